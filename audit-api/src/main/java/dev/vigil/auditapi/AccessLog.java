package dev.vigil.auditapi;

import dev.vigil.common.auth.Principal;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.evidence.EvidenceChunks;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes "who looked at what, when" to the trail: every auditor search, detail view, export and
 * verification becomes a {@code TRAIL_ACCESSED} input in the chain {@code <tenant>/}{@value #SCOPE},
 * chained by the streams app like any other input (record kind {@code ACCESS}).
 *
 * <p>Fail closed: {@link #record} returns only once Kafka acknowledged the access; when it cannot,
 * it throws a 503 problem and the caller must answer that instead of the data. Nobody reads the
 * trail without the trail saying so.
 */
public final class AccessLog {

    /** The scope (chain) of access records in each tenant. */
    public static final String SCOPE = "vigil/audit-api";

    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);

    private final TrailInputs inputs;
    private final Clock clock;

    public AccessLog(TrailInputs inputs, Clock clock) {
        this.inputs = inputs;
        this.clock = clock;
    }

    /**
     * Records the access before the caller answers. {@code action} is a short verb (search,
     * detail, export, verify, evidence, posture ...); {@code details} add facts (format, result
     * count ...) as attributes {@code access.<name>}.
     */
    public void record(Request request, String action, Map<String, String> details) {
        Principal who = request.principal();
        Instant now = clock.instant();
        String id = "access:" + UUID.randomUUID();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(Attributes.ACCESS_ACTION, action);
        attributes.put(Attributes.ACCESS_REQUEST, request.method() + " " + request.path());
        if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
            attributes.put(Attributes.ACCESS_QUERY, request.rawQuery());
        }
        attributes.put(Attributes.ACCESS_KEY_ID, who.keyId());
        attributes.put(
                Attributes.ACCESS_ROLES,
                new java.util.TreeSet<>(who.roles().stream()
                                .map(r -> r.name().toLowerCase(Locale.ROOT))
                                .collect(Collectors.toSet()))
                        .stream().collect(Collectors.joining(",")));
        details.forEach((k, v) -> attributes.put("access." + k, v));
        Map<String, Object> payload = new TreeMap<>();
        payload.put("id", id);
        payload.put("at", now.toString());
        payload.put("tenant", who.tenant());
        payload.put("attributes", new TreeMap<>(attributes));
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(payload);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        PipelineEvent event = PipelineEvent.newBuilder()
                .setId(id)
                .setTenant(who.tenant())
                .setScope(SCOPE)
                .setKind(PipelineEventKind.TRAIL_ACCESSED)
                .setSourceType("vigil:audit-api." + action)
                .setFormat(InputFormat.VIGIL)
                .setSource("audit-api")
                .setSourceEventId(id)
                .setEventTime(now.truncatedTo(ChronoUnit.MICROS))
                .setReceivedAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setSubject(Subject.newBuilder().setService("audit-api").build())
                .setActor(Actor.newBuilder().setId("key:" + who.keyId()).build())
                .setOutcome(Outcome.SUCCESS)
                .setAttributes(attributes)
                .setEvidenceSha256(EvidenceChunks.sha256(body))
                .setEvidenceSize(body.length)
                .build();
        try {
            inputs.publish(event, body, "application/json");
        } catch (TrailInputs.UnavailableException e) {
            LOG.warn("cannot record an access to the trail ({}); answered 503: check that Kafka runs", e.getMessage());
            throw new ProblemException(ApiProblems.accessNotRecorded());
        }
    }
}
