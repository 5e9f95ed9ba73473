package dev.vigil.auditapi.violations;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.auditapi.AccessLog;
import dev.vigil.auditapi.TrailInputs;
import dev.vigil.common.auth.Principal;
import dev.vigil.common.http.Problem;
import dev.vigil.common.http.ProblemException;
import dev.vigil.common.http.Request;
import dev.vigil.common.http.Response;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.PipelineEventKind;
import dev.vigil.schemas.Subject;
import dev.vigil.schemas.evidence.EvidenceChunks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/violations} (current state, from the trail) and
 * {@code POST /v1/violations/{id}/risk-acceptance} (an officer accepts a risk: a RISK_ACCEPTED input
 * event, so the acceptance is itself in the trail and the controls engine acts on it).
 */
public final class ViolationsEndpoint {

    public static final String PATH = "/v1/violations";
    public static final String RISK_SUFFIX = "/risk-acceptance";
    static final int DEFAULT_SIZE = 50;

    private static final Logger LOG = LoggerFactory.getLogger(ViolationsEndpoint.class);

    private final ViolationIndex index;
    private final TrailInputs inputs;
    private final AccessLog accessLog;
    private final Clock clock;
    private final int maxPageSize;
    private final int riskMaxDays;

    public ViolationsEndpoint(
            ViolationIndex index,
            TrailInputs inputs,
            AccessLog accessLog,
            Clock clock,
            int maxPageSize,
            int riskMaxDays) {
        this.index = index;
        this.inputs = inputs;
        this.accessLog = accessLog;
        this.clock = clock;
        this.maxPageSize = maxPageSize;
        this.riskMaxDays = riskMaxDays;
    }

    public Response list(Request request) throws IOException {
        ViolationFilters filters = ViolationFilters.fromQuery(request.query());
        String state = request.param("state").orElse("open").toLowerCase(Locale.ROOT);
        if (!state.equals("open") && !state.equals("all")) {
            throw ViolationFilters.invalid("/query/state", "state must be open or all.");
        }
        int size = size(request.param("size").orElse(null));
        Position after =
                request.param("cursor").map(ViolationsEndpoint::decodeCursor).orElse(null);
        String tenant = request.principal().tenant();
        List<ViolationView> all =
                ViolationIndex.ordered(index.current(tenant, filters, null), filters, state.equals("open"));
        int start = 0;
        if (after != null) {
            while (start < all.size() && !after.before(all.get(start))) {
                start++;
            }
        }
        List<ViolationView> page = all.subList(start, Math.min(all.size(), start + size));
        String next = start + size < all.size() ? encodeCursor(page.getLast()) : null;
        accessLog.record(request, "violations", Map.of("results", Integer.toString(page.size())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("violations", page);
        body.put("next", next);
        return Response.json(200, body);
    }

    /** POST /v1/violations/{id}/risk-acceptance; {@code id} is URL-encoded in the path. */
    public Response acceptRisk(Request request) throws IOException {
        String rest = request.path().substring(PATH.length() + 1);
        if (!rest.endsWith(RISK_SUFFIX) || rest.length() == RISK_SUFFIX.length()) {
            throw new ProblemException(Problem.notFound());
        }
        String violationId = java.net.URLDecoder.decode(
                rest.substring(0, rest.length() - RISK_SUFFIX.length()), StandardCharsets.UTF_8);
        Instant now = clock.instant();
        RiskAcceptanceRequest accepted = RiskAcceptanceRequest.parse(request.body(), now, riskMaxDays);
        Principal who = request.principal();
        Collection<ViolationView> found = index.current(who.tenant(), ViolationFilters.NONE, violationId);
        ViolationView v = found.stream()
                .filter(x -> x.violationId().equals(violationId))
                .findFirst()
                .orElseThrow(() -> new ProblemException(Problem.of(
                        404,
                        "violation-not-found",
                        "Violation Not Found",
                        "No violation " + violationId + " in your tenant (a violation opened seconds ago may not be"
                                + " in the trail yet).")));
        if (!v.open()) {
            throw new ProblemException(Problem.of(
                    409,
                    "violation-resolved",
                    "Violation Resolved",
                    "Violation " + violationId + " is resolved; there is no risk left to accept."));
        }
        PipelineEvent event = event(who, v, accepted, now);
        byte[] payload = payload(event, accepted);
        event.setEvidenceSha256(EvidenceChunks.sha256(payload));
        event.setEvidenceSize(payload.length);
        try {
            inputs.publish(event, payload, "application/json");
        } catch (TrailInputs.UnavailableException e) {
            LOG.warn("cannot record a risk acceptance ({}); answered 503: check that Kafka runs", e.getMessage());
            return Response.problem(Problem.unavailable(
                            "The acceptance cannot be written to the trail right now; nothing was accepted. Retry"
                                    + " later."))
                    .header("Retry-After", "5");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("event_id", event.getId());
        body.put("violation_id", violationId);
        body.put("expires_at", accepted.expiresAt().toString());
        return Response.json(202, body);
    }

    /**
     * The RISK_ACCEPTED input the controls engine reads ({@code CatalogEngine.acceptRisk}): it names
     * the violation by id and by (control, subject key), and carries the expiry as an ISO instant.
     */
    static PipelineEvent event(Principal who, ViolationView v, RiskAcceptanceRequest r, Instant now) {
        String id = "risk:" + UUID.randomUUID();
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(Attributes.RISK_VIOLATION_ID, v.violationId());
        attributes.put(Attributes.RISK_CONTROL_ID, v.controlId());
        attributes.put(Attributes.RISK_SUBJECT_KEY, v.subjectKey());
        attributes.put(Attributes.RISK_EXPIRES_AT, r.expiresAt().toString());
        attributes.put(Attributes.RISK_JUSTIFICATION, r.justification());
        return PipelineEvent.newBuilder()
                .setId(id)
                .setTenant(who.tenant())
                .setScope(v.scope())
                .setKind(PipelineEventKind.RISK_ACCEPTED)
                .setSourceType("vigil:audit-api.risk-acceptance")
                .setFormat(InputFormat.VIGIL)
                .setSource("audit-api")
                .setSourceEventId(id)
                .setEventTime(now.truncatedTo(ChronoUnit.MICROS))
                .setReceivedAt(now.truncatedTo(ChronoUnit.MILLIS))
                .setSubject(Subject.newBuilder().build())
                .setActor(Actor.newBuilder().setId("key:" + who.keyId()).build())
                .setOutcome(Outcome.SUCCESS)
                .setAttributes(attributes)
                .setEvidenceSha256("")
                .setEvidenceSize(0)
                .build();
    }

    private static byte[] payload(PipelineEvent e, RiskAcceptanceRequest r) {
        Map<String, Object> p = new TreeMap<>();
        p.put("id", e.getId());
        p.put("at", Instant.ofEpochMilli(e.getReceivedAt().toEpochMilli()).toString());
        p.put("tenant", e.getTenant());
        p.put("actor", e.getActor().getId());
        p.put("violation_id", e.getAttributes().get(Attributes.RISK_VIOLATION_ID));
        p.put("justification", r.justification());
        p.put("expires_at", r.expiresAt().toString());
        try {
            return Json.mapper().writeValueAsBytes(p);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private int size(String raw) {
        if (raw == null) {
            return Math.min(DEFAULT_SIZE, maxPageSize);
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= maxPageSize) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ViolationFilters.invalid("/query/size", "size must be an integer from 1 to " + maxPageSize + ".");
    }

    /** Where the previous page ended, in the list's order (changed_at descending, then id). */
    record Position(Instant changedAt, String violationId) {
        boolean before(ViolationView v) {
            int c = Instant.parse(v.changedAt()).compareTo(changedAt);
            return c < 0 || (c == 0 && v.violationId().compareTo(violationId) > 0);
        }
    }

    static String encodeCursor(ViolationView last) {
        try {
            byte[] json = Json.mapper()
                    .writeValueAsBytes(Map.of("changed_at", last.changedAt(), "violation_id", last.violationId()));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Position decodeCursor(String cursor) {
        try {
            JsonNode n = Json.mapper().readTree(Base64.getUrlDecoder().decode(cursor));
            return new Position(
                    Instant.parse(n.get("changed_at").asText()),
                    n.get("violation_id").asText());
        } catch (IOException | RuntimeException e) {
            throw ViolationFilters.invalid("/query/cursor", "cursor is not a next value of this endpoint.");
        }
    }
}
