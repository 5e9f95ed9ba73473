package dev.vigil.schemas.topic;

/**
 * The Kafka key of every subject-keyed record: {@code tenant/scope}. A tenant id never contains
 * '/', so the first '/' splits the key unambiguously even when the scope is a path such as
 * {@code github.com/acme/shop}.
 */
public record SubjectKey(String tenant, String scope) {

    public SubjectKey {
        if (tenant == null || tenant.isEmpty() || tenant.indexOf('/') >= 0) {
            throw new IllegalArgumentException("tenant must be non-empty and contain no '/': " + tenant);
        }
        if (scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("scope must be non-empty");
        }
    }

    public static String of(String tenant, String scope) {
        return new SubjectKey(tenant, scope).toString();
    }

    public static SubjectKey parse(String key) {
        int slash = key == null ? -1 : key.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("not a tenant/scope key: " + key);
        }
        return new SubjectKey(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public String toString() {
        return tenant + "/" + scope;
    }
}
