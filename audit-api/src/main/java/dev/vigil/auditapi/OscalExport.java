package dev.vigil.auditapi;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.trail.AuditDocument;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An OSCAL 1.1.2 {@code assessment-results} document for one period of a tenant's trail
 * (docs/exports.md), written with a streaming {@link JsonGenerator}:
 *
 * <ul>
 *   <li>one {@code observation} per trail record, its uuid derived from chain id, seq and hash
 *       (UUID v5, so the same record always has the same uuid), its props naming the record
 *       ({@code chain-id}, {@code chain-seq}, {@code chain-hash}, kind, type, verdicts) and its
 *       {@code relevant-evidence} linking the raw input ({@code /v1/evidence/<sha256>});
 *   <li>one {@code finding} per control with verdicts in the period: {@code not-satisfied} when any
 *       verdict was FAIL or ERROR, else {@code satisfied}; its {@code related-observations} are the
 *       records carrying a verdict of that control, read by a second query per control on the same
 *       point in time (so memory holds counters per control, never the records).
 * </ul>
 *
 * {@code import-ap} is a placeholder: Vigil has no OSCAL assessment plan; its href names that.
 */
final class OscalExport {

    static final String OSCAL_VERSION = "1.1.2";
    static final String NS = "https://vigil.dev/ns/oscal";
    static final String IMPORT_AP_PLACEHOLDER = "#vigil-continuous-assessment-plan-not-published";
    /** Name-based uuids of observations live in this namespace (a fixed random uuid). */
    private static final UUID NAMESPACE = UUID.fromString("5a0e7c39-3c2e-4b0c-9b6e-0f1d0c6a9d41");
    /** OSCAL tokens: what a control id must look like to be a target-id. */
    private static final Pattern TOKEN = Pattern.compile("^(\\p{L}|_)(\\p{L}|\\p{N}|[.\\-_])*$");

    record Period(String tenant, String scope, Instant from, Instant to, Instant now) {}

    private OscalExport() {}

    static void write(
            JsonGenerator g,
            Period p,
            Iterator<AuditDocument> records,
            Function<String, Iterator<AuditDocument>> withVerdictOf)
            throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("assessment-results");
        g.writeStringField("uuid", UUID.randomUUID().toString());
        g.writeObjectFieldStart("metadata");
        g.writeStringField(
                "title",
                "Vigil audit trail assessment results for tenant " + p.tenant()
                        + (p.scope() == null ? "" : ", scope " + p.scope()));
        g.writeStringField("last-modified", p.now().toString());
        g.writeStringField("version", p.now().toString());
        g.writeStringField("oscal-version", OSCAL_VERSION);
        g.writeArrayFieldStart("props");
        prop(g, "tenant", p.tenant());
        prop(g, "scope", p.scope());
        g.writeEndArray();
        g.writeEndObject();
        g.writeObjectFieldStart("import-ap");
        g.writeStringField("href", IMPORT_AP_PLACEHOLDER);
        g.writeStringField(
                "remarks", "Vigil evaluates its control catalog continuously; no OSCAL assessment plan is published.");
        g.writeEndObject();

        g.writeArrayFieldStart("results");
        g.writeStartObject();
        g.writeStringField("uuid", UUID.randomUUID().toString());
        g.writeStringField(
                "title",
                "Audit trail " + (p.from() == null ? "from its start" : "from " + p.from())
                        + (p.to() == null ? " to " + p.now() : " to " + p.to()));
        g.writeStringField(
                "description",
                "Every trail record of the period is an observation; every control with verdicts in"
                        + " the period is a finding.");
        // start is required; without 'from', the period starts with the trail (the epoch stands for it).
        g.writeStringField("start", (p.from() == null ? Instant.EPOCH : p.from()).toString());
        g.writeStringField("end", end(p).toString());
        g.writeObjectFieldStart("reviewed-controls");
        g.writeArrayFieldStart("control-selections");
        g.writeStartObject();
        g.writeObjectFieldStart("include-all");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();

        Map<String, Tally> controls = new TreeMap<>();
        boolean any = false;
        while (records.hasNext()) {
            AuditDocument d = records.next();
            if (!any) {
                g.writeArrayFieldStart("observations");
                any = true;
            }
            observation(g, d);
            if (d.verdicts() != null) {
                for (AuditDocument.Verdict v : d.verdicts()) {
                    if (v.controlId() != null) {
                        controls.computeIfAbsent(v.controlId(), k -> new Tally())
                                .add(v);
                    }
                }
            }
        }
        if (any) {
            g.writeEndArray();
        }
        if (!controls.isEmpty()) {
            g.writeArrayFieldStart("findings");
            for (Map.Entry<String, Tally> e : controls.entrySet()) {
                finding(g, e.getKey(), e.getValue(), withVerdictOf.apply(e.getKey()));
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.flush();
    }

    /** {@code to}, else the export time, but never before {@code start} (a period in the future is empty). */
    static Instant end(Period p) {
        if (p.to() != null) {
            return p.to();
        }
        return p.from() != null && p.from().isAfter(p.now()) ? p.from() : p.now();
    }

    private static void observation(JsonGenerator g, AuditDocument d) throws IOException {
        AuditDocument.Event e = d.event();
        String kind = e == null ? null : e.kind();
        String type = e == null ? null : e.type();
        g.writeStartObject();
        g.writeStringField("uuid", observationUuid(d).toString());
        g.writeStringField("title", (kind == null ? "RECORD" : kind) + (type == null ? "" : " " + type));
        g.writeStringField(
                "description",
                d.message() != null && !d.message().isBlank() ? d.message() : "Trail record " + d.documentId());
        g.writeArrayFieldStart("props");
        prop(g, "chain-id", d.chain().id());
        prop(g, "chain-seq", Long.toString(d.chain().seq()));
        prop(g, "chain-hash", d.chain().hash());
        prop(g, "record-kind", kind);
        prop(g, "event-type", type);
        prop(g, "scope", d.scope());
        if (d.verdicts() != null) {
            for (AuditDocument.Verdict v : d.verdicts()) {
                prop(g, "verdict", v.controlId() + "=" + v.result());
            }
        }
        g.writeEndArray();
        g.writeArrayFieldStart("methods");
        g.writeString("TEST");
        g.writeEndArray();
        if (d.evidence() != null && d.evidence().sha256() != null) {
            g.writeArrayFieldStart("relevant-evidence");
            g.writeStartObject();
            g.writeStringField("href", EvidenceEndpoint.url(d.evidence().sha256()));
            g.writeStringField(
                    "description",
                    "The raw input this record was chained from, SHA-256 "
                            + d.evidence().sha256() + ".");
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeStringField("collected", collected(d));
        g.writeEndObject();
    }

    private static void finding(JsonGenerator g, String control, Tally t, Iterator<AuditDocument> related)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("uuid", nameUuid("finding\n" + control).toString());
        g.writeStringField("title", "Control " + control);
        g.writeStringField(
                "description",
                String.format(
                        java.util.Locale.ROOT,
                        "Verdicts of %s in the period: %d pass, %d fail, %d not applicable, %d error.",
                        control,
                        t.pass,
                        t.fail,
                        t.notApplicable,
                        t.error));
        if (!t.requirements.isEmpty()) {
            g.writeArrayFieldStart("props");
            for (String r : t.requirements) {
                prop(g, "requirement", r);
            }
            g.writeEndArray();
        }
        g.writeObjectFieldStart("target");
        g.writeStringField("type", "objective-id");
        g.writeStringField("target-id", token(control));
        g.writeObjectFieldStart("status");
        g.writeStringField("state", t.fail + t.error > 0 ? "not-satisfied" : "satisfied");
        g.writeEndObject();
        g.writeEndObject();
        boolean any = false;
        while (related.hasNext()) {
            AuditDocument d = related.next();
            if (!any) {
                g.writeArrayFieldStart("related-observations");
                any = true;
            }
            g.writeStartObject();
            g.writeStringField("observation-uuid", observationUuid(d).toString());
            g.writeEndObject();
        }
        if (any) {
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Same record (chain, seq, hash), same uuid, in every export. */
    static UUID observationUuid(AuditDocument d) {
        return nameUuid("record\n" + d.chain().id() + "\n" + d.chain().seq() + "\n"
                + d.chain().hash());
    }

    /** RFC 9562 version 5 (SHA-1 name-based) uuid: OSCAL accepts versions 4 and 5 only. */
    static UUID nameUuid(String name) {
        MessageDigest sha1;
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer ns = ByteBuffer.allocate(16);
        ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
        sha1.update(ns.array());
        byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
        h[6] = (byte) ((h[6] & 0x0f) | 0x50);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }

    private static String collected(AuditDocument d) {
        if (d.timestamp() != null) {
            return d.timestamp();
        }
        return d.event() != null && d.event().ingested() != null ? d.event().ingested() : Instant.EPOCH.toString();
    }

    private static String token(String id) {
        if (TOKEN.matcher(id).matches()) {
            return id;
        }
        String t = id.replaceAll("[^\\p{L}\\p{N}._-]", "_");
        return TOKEN.matcher(t).matches() ? t : "_" + t;
    }

    /** A prop; absent or blank values are left out (OSCAL values must not be empty or padded). */
    private static void prop(JsonGenerator g, String name, String value) throws IOException {
        if (value == null || value.isBlank()) {
            return;
        }
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ns", NS);
        g.writeStringField("value", value.strip());
        g.writeEndObject();
    }

    private static final class Tally {
        long pass;
        long fail;
        long notApplicable;
        long error;
        final TreeSet<String> requirements = new TreeSet<>();

        void add(AuditDocument.Verdict v) {
            switch (v.result() == null ? "" : v.result()) {
                case "PASS" -> pass++;
                case "FAIL" -> fail++;
                case "NOT_APPLICABLE" -> notApplicable++;
                default -> error++;
            }
            if (v.requirements() != null && requirements.size() < 64) {
                requirements.addAll(v.requirements());
            }
        }
    }
}
