package dev.vigil.trail;

/** Field names of {@link AuditDocument} in Elasticsearch: the one place queries spell them. */
public final class AuditFields {
    public static final String TIMESTAMP = "@timestamp";
    public static final String TENANT = "tenant";
    public static final String SCOPE = "scope";
    public static final String CHAIN_ID = "chain.id";
    public static final String CHAIN_SEQ = "chain.seq";
    public static final String CHAIN_HASH = "chain.hash";
    public static final String EVENT_ID = "event.id";
    public static final String EVENT_KIND = "event.kind";
    public static final String EVENT_TYPE = "event.type";
    public static final String EVENT_INGESTED = "event.ingested";
    public static final String MESSAGE = "message";
    public static final String USER_ID = "user.id";
    public static final String COMMIT_SHA = "subject.commit_sha";
    public static final String ARTIFACT_DIGEST = "subject.artifact_digest";
    public static final String ENVIRONMENT = "subject.environment";
    public static final String VERDICT_CONTROL = "verdicts.control_id";
    public static final String VERDICT_RESULT = "verdicts.result";

    /** Free-text search runs over these. */
    public static final String[] FULL_TEXT = {"message", "event.source_type.text", "scope.text", "subject.*", "user.id"
    };

    private AuditFields() {}
}
