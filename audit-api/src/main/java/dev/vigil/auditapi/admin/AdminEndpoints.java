package dev.vigil.auditapi.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AccessLog;
import dev.vigil.common.auth.ApiKeys;
import dev.vigil.common.auth.Principal;
import dev.vigil.common.auth.Role;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keys and tenants administration (docs/adr/0008-roles-and-tenants.md). A tenant admin (ADMIN key
 * of any tenant) manages its own tenant's keys; a platform admin (ADMIN key of the reserved tenant
 * {@value #PLATFORM_TENANT}) also creates tenants and manages any tenant's keys. The tenant acted on
 * is the caller's own unless a platform admin names another. A key belonging to another tenant is
 * answered 404, as if it did not exist.
 *
 * <p>Every change is written to the trail ({@link AccessLog}, actions {@code admin.*}) before it is
 * saved, in the chain of the tenant it concerns (and of the caller's tenant, when different); when
 * the trail cannot take it the change is not made (503). The key itself never reaches the trail,
 * the log or any answer but the one that minted it.
 */
public final class AdminEndpoints {

    /** Tenant of the platform administrators; holds admin keys only, never trail data. */
    public static final String PLATFORM_TENANT = "vigil";

    public static final String KEYS_PATH = "/v1/admin/keys";
    public static final String KEY_ROUTE = KEYS_PATH + "/*";
    public static final String TENANTS_PATH = "/v1/admin/tenants";

    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{12}");
    private static final int MAX_DESCRIPTION = 200;

    private final ApiKeys keys;
    private final AccessLog trail;

    public AdminEndpoints(ApiKeys keys, AccessLog trail) {
        this.keys = keys;
        this.trail = trail;
    }

    public static boolean isPlatformAdmin(Principal p) {
        return p != null && PLATFORM_TENANT.equals(p.tenant()) && p.has(Role.ADMIN);
    }

    /** {@code GET /v1/admin/keys[?tenant=]}: the keys of one tenant, never their hashes. */
    public Response listKeys(Request request) {
        String tenant =
                targetTenant(request.principal(), request.param("tenant").orElse(null), "/query/tenant");
        List<Map<String, Object>> list = keys.entries().stream()
                .filter(e -> e.tenant().equals(tenant))
                .map(AdminEndpoints::view)
                .toList();
        return Response.json(200, Map.of("tenant", tenant, "keys", list));
    }

    /** {@code POST /v1/admin/keys}: mints a key; the answer is the only place the key ever appears. */
    public Response createKey(Request request) {
        JsonNode body = body(request);
        Principal caller = request.principal();
        String tenant = targetTenant(caller, text(body, "tenant"), "/body/tenant");
        Set<Role> roles = roles(body.get("roles"));
        String description = description(body);
        if (tenant.equals(PLATFORM_TENANT) && !roles.equals(EnumSet.of(Role.ADMIN))) {
            // The platform tenant holds no trail: a data role there would be a key scoped to nothing.
            throw invalid(
                    "/body/roles", "Keys of the platform tenant '" + PLATFORM_TENANT + "' carry the admin role only.");
        }
        if (!tenant.equals(caller.tenant()) && !keys.hasTenant(tenant)) {
            throw invalid("/body/tenant", "Tenant '" + tenant + "' does not exist; create it first.");
        }
        ApiKeys.Minted minted = keys.change(k -> {
            ApiKeys.Minted m = k.mint(tenant, roles, description);
            record(
                    request,
                    tenant,
                    "admin.key-created",
                    Map.of(
                            "key_id", m.entry().id(),
                            "key_tenant", tenant,
                            "key_roles", roleNames(roles)));
            return m;
        });
        Map<String, Object> answer = view(minted.entry());
        answer.put("key", minted.key());
        return Response.json(201, answer)
                .header("Location", KEYS_PATH + "/" + minted.entry().id());
    }

    /** {@code DELETE /v1/admin/keys/{id}}: revokes; refused by every service once they reloaded the store. */
    public Response revokeKey(Request request) {
        String id = request.path().substring(KEYS_PATH.length() + 1);
        Principal caller = request.principal();
        if (!KEY_ID.matcher(id).matches()) {
            throw new ProblemException(Problem.notFound());
        }
        if (id.equals(caller.keyId())) {
            throw new ProblemException(Problem.of(
                    409,
                    "self-revocation",
                    "Conflict",
                    "A key cannot revoke itself; use another admin key, so that the tenant keeps an administrator."));
        }
        keys.change(k -> {
            ApiKeys.Entry entry = k.find(id)
                    .filter(e -> isPlatformAdmin(caller) || e.tenant().equals(caller.tenant()))
                    .orElseThrow(() -> new ProblemException(Problem.notFound()));
            record(
                    request,
                    entry.tenant(),
                    "admin.key-revoked",
                    Map.of(
                            "key_id", id,
                            "key_tenant", entry.tenant(),
                            "key_roles", roleNames(entry.roles())));
            return k.revoke(id);
        });
        return Response.bytes(204, null, new byte[0]);
    }

    /** {@code GET /v1/admin/tenants}: every tenant for a platform admin, one's own otherwise. */
    public Response listTenants(Request request) {
        Principal caller = request.principal();
        Map<String, Long> keyCounts =
                keys.entries().stream().collect(Collectors.groupingBy(ApiKeys.Entry::tenant, Collectors.counting()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ApiKeys.Tenant t : keys.tenants()) {
            if (isPlatformAdmin(caller) || t.tenant().equals(caller.tenant())) {
                Map<String, Object> view = tenantView(t);
                view.put("keys", keyCounts.getOrDefault(t.tenant(), 0L));
                list.add(view);
            }
        }
        return Response.json(200, Map.of("tenants", list));
    }

    /** {@code POST /v1/admin/tenants}: platform admins only. */
    public Response createTenant(Request request) {
        Principal caller = request.principal();
        if (!isPlatformAdmin(caller)) {
            throw platformOnly();
        }
        JsonNode body = body(request);
        String tenant = text(body, "tenant");
        if (tenant == null || !ApiKeys.isValidTenant(tenant)) {
            throw invalid(
                    "/body/tenant",
                    "tenant is required: 1 to 63 lowercase letters, digits, '.', '_' or '-', starting with a letter"
                            + " or digit.");
        }
        String description = description(body);
        boolean created = keys.change(k -> {
            if (k.hasTenant(tenant)) {
                return false;
            }
            record(request, tenant, "admin.tenant-created", Map.of("tenant", tenant));
            return k.addTenant(tenant, description);
        });
        if (!created) {
            throw new ProblemException(
                    Problem.of(409, "tenant-exists", "Conflict", "Tenant '" + tenant + "' exists already."));
        }
        ApiKeys.Tenant t = keys.tenants().stream()
                .filter(x -> x.tenant().equals(tenant))
                .findFirst()
                .orElseThrow();
        Map<String, Object> view = tenantView(t);
        view.put("keys", 0L);
        return Response.json(201, view).header("Location", TENANTS_PATH + "/" + tenant);
    }

    /**
     * Writes the change into the trail of the tenant it concerns and, when a platform admin acts
     * on another tenant, into the platform's own trail as well.
     */
    private void record(Request request, String tenant, String action, Map<String, String> details) {
        Principal caller = request.principal();
        Map<String, String> all = new LinkedHashMap<>(details);
        all.put("admin_tenant", caller.tenant());
        if (!tenant.equals(caller.tenant())) {
            Principal asTenant = new Principal(caller.keyId(), tenant, caller.roles());
            trail.record(
                    new Request(
                            request.method(),
                            request.path(),
                            request.rawQuery(),
                            request.query(),
                            request.headers(),
                            request.body(),
                            asTenant),
                    action,
                    all);
        }
        trail.record(request, action, all);
    }

    private static String targetTenant(Principal caller, String asked, String pointer) {
        if (asked == null || asked.equals(caller.tenant())) {
            return caller.tenant();
        }
        if (!isPlatformAdmin(caller)) {
            throw platformOnly();
        }
        if (!ApiKeys.isValidTenant(asked)) {
            throw invalid(pointer, "Not a tenant name: lowercase letters, digits, '.', '_' or '-'.");
        }
        return asked;
    }

    private static Set<Role> roles(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw invalid("/body/roles", "roles is required: a non-empty array of publisher, auditor, officer, admin.");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (int i = 0; i < node.size(); i++) {
            JsonNode r = node.get(i);
            Role role = r.isTextual() ? parseRole(r.asText()) : null;
            if (role == null) {
                throw invalid("/body/roles/" + i, "Unknown role; use publisher, auditor, officer or admin.");
            }
            roles.add(role);
        }
        return roles;
    }

    private static Role parseRole(String text) {
        for (Role r : Role.values()) {
            if (r.name().toLowerCase(Locale.ROOT).equals(text)) {
                return r;
            }
        }
        return null;
    }

    private static String description(JsonNode body) {
        JsonNode d = body.get("description");
        if (d == null || d.isNull()) {
            return "";
        }
        if (!d.isTextual() || d.asText().length() > MAX_DESCRIPTION) {
            throw invalid(
                    "/body/description", "description must be a string of at most " + MAX_DESCRIPTION + " characters.");
        }
        return d.asText();
    }

    private static String text(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw invalid("/body/" + field, field + " must be a string.");
        }
        return n.asText();
    }

    private static JsonNode body(Request request) {
        String media = request.mediaType();
        if (!media.isEmpty() && !media.equals("application/json")) {
            throw new ProblemException(Problem.of(
                    415,
                    "unsupported-media-type",
                    "Unsupported Media Type",
                    "Send the request body as application/json."));
        }
        try {
            JsonNode node = Json.mapper().readTree(request.body());
            if (node == null || !node.isObject()) {
                throw invalid("/body", "The body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw invalid("/body", "The body is not valid JSON.");
        }
    }

    private static Map<String, Object> view(ApiKeys.Entry e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("tenant", e.tenant());
        v.put(
                "roles",
                e.roles().stream()
                        .map(r -> r.name().toLowerCase(Locale.ROOT))
                        .sorted()
                        .toList());
        v.put("description", e.description() == null ? "" : e.description());
        v.put("created_at", e.createdAt() == null ? null : e.createdAt().toString());
        return v;
    }

    private static Map<String, Object> tenantView(ApiKeys.Tenant t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("tenant", t.tenant());
        v.put("description", t.description() == null ? "" : t.description());
        v.put("created_at", t.createdAt() == null ? null : t.createdAt().toString());
        return v;
    }

    private static String roleNames(Set<Role> roles) {
        return roles.stream()
                .map(r -> r.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new))
                .stream()
                .collect(Collectors.joining(","));
    }

    private static ProblemException invalid(String pointer, String detail) {
        return new ProblemException(Problem.invalidField("invalid-body", "Invalid Request Body", pointer, detail));
    }

    private static ProblemException platformOnly() {
        return new ProblemException(Problem.forbidden(
                "Only a platform admin (an admin key of tenant '" + PLATFORM_TENANT + "') acts on other tenants."));
    }
}
