package dev.vigil.common.auth;

/** What an API key may do. Officer includes auditor; admin manages keys and tenants. */
public enum Role {
    PUBLISHER,
    AUDITOR,
    OFFICER,
    ADMIN;

    /** True when a holder of this role may act as {@code required}. */
    public boolean grants(Role required) {
        return this == required || (this == OFFICER && required == AUDITOR);
    }
}
