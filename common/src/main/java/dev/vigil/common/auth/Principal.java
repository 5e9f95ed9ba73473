package dev.vigil.common.auth;

import java.util.Set;

/** An authenticated caller: every query it makes is scoped to {@code tenant} on the server side. */
public record Principal(String keyId, String tenant, Set<Role> roles) {

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role required) {
        return roles.stream().anyMatch(r -> r.grants(required));
    }
}
