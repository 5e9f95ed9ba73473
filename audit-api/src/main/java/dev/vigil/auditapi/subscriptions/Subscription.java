package dev.vigil.auditapi.subscriptions;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.vigil.auditapi.violations.ViolationFilters;

/**
 * One webhook subscription as kept on {@code vigil.subscriptions} (key {@code tenant/id}). The
 * signing secret is only ever stored sealed ({@link SecretBox}).
 */
public record Subscription(
        String id,
        String tenant,
        String url,
        String format,
        ViolationFilters filters,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("created_by") String createdBy,
        @JsonProperty("sealed_secret") String sealedSecret) {

    public static final String VIGIL = "vigil";
    public static final String SLACK = "slack";

    String key() {
        return tenant + "/" + id;
    }
}
