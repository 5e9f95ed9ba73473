package dev.vigil.ingest.cdevents;

import static dev.vigil.ingest.adapter.JsonInput.describe;
import static dev.vigil.ingest.adapter.JsonInput.pointer;
import static dev.vigil.ingest.adapter.JsonInput.quote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.common.json.Json;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.PackageUrl;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.ingest.adapter.RecordIds;
import dev.vigil.schemas.Actor;
import dev.vigil.schemas.Attributes;
import dev.vigil.schemas.InputFormat;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.Subject;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps a validated {@link CDEvent} to a {@link PipelineEvent}. Field paths follow the CDEvents
 * v0.5 schemas (see docs: formats A1); facts the spec has no field for (commit SHA, branch,
 * change id, actor) come from {@code customData} by Vigil's convention.
 */
public final class CDEventMapper {

    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private CDEventMapper() {}

    public static PipelineEvent map(CDEvent event, RawInput input) throws InvalidInputException {
        JsonNode content = event.content();
        String subjectType = event.subjectType();
        Subject.Builder subject = Subject.newBuilder();
        Map<String, String> facts = new LinkedHashMap<>();

        Optional<PackageUrl> purl = purlOf(event);
        String artifactId = text(content, "artifactId");
        if (purl.isPresent()) {
            subject.setArtifactName(purl.get().withoutVersion());
            purl.get().digest().ifPresent(subject::setArtifactDigest);
        } else if (artifactId != null) {
            subject.setArtifactName(artifactId);
        }

        String environment =
                subjectType.equals("environment") ? event.subjectId() : text(content.path("environment"), "id");
        subject.setEnvironment(environment);
        DeployTier.of(environment, subjectType.equals("environment") ? text(content, "name") : null)
                .ifPresent(tier -> facts.put(Attributes.DEPLOY_TIER, tier));
        subject.setService(subjectType.equals("service") ? event.subjectId() : text(content.path("service"), "id"));
        switch (subjectType) {
            case "pipelinerun" -> {
                subject.setPipelineRunId(event.subjectId());
                putText(facts, Attributes.PIPELINE_NAME, text(content, "pipelineName"));
                putText(facts, Attributes.PIPELINE_URL, text(content, "url"), text(content, "uri"));
            }
            case "taskrun" -> subject.setPipelineRunId(text(content.path("pipelineRun"), "id"));
            case "change" -> subject.setChangeId(event.subjectId());
            case "branch" -> subject.setBranch(stripHeads(event.subjectId()));
            case "artifact" -> {
                // artifact.packaged names the change it was built from
                subject.setChangeId(text(content.path("change"), "id"));
                putText(facts, Attributes.ARTIFACT_SBOM_URI, text(content.path("sbom"), "uri"));
                if (text(content, "signature") != null) {
                    facts.put(Attributes.ARTIFACT_SIGNED, "true");
                }
            }
            case "testsuiterun", "testcaserun" ->
                putText(
                        facts,
                        Attributes.TEST_SUITE,
                        text(content.path("testSuite"), "name"),
                        text(content.path("testSuite"), "id"),
                        text(content.path("testSuiteRun"), "id"));
            case "incident" -> {
                facts.put(Attributes.INCIDENT_ID, event.subjectId());
                putText(facts, Attributes.TICKET_URL, text(content, "ticketURI"));
            }
            case "ticket" -> {
                facts.put(Attributes.TICKET_ID, event.subjectId());
                putText(facts, Attributes.TICKET_URL, text(content, "uri"));
                putText(facts, Attributes.TICKET_RESOLUTION, text(content, "resolution"));
                putText(facts, Attributes.TICKET_LABELS, joined(content.get("labels")));
            }
            case "approval" -> {
                putText(facts, Attributes.APPROVAL_DECISION, text(content, "decision"));
                putText(facts, Attributes.APPROVAL_TARGET, text(content, "resourceTargetUrl"));
            }
            default -> {
                // repository, build, environment, service: covered by the common fields above
            }
        }

        Actor actor = actorFromContent(subjectType, event.predicate(), content);
        JsonNode custom = event.customData();
        if (custom != null && custom.isObject()) {
            String at = event.customDataPointer();
            customCommitSha(custom, at).ifPresent(subject::setCommitSha);
            customText(custom, at, "branch").map(CDEventMapper::stripHeads).ifPresent(subject::setBranch);
            customChangeId(custom, at).ifPresent(subject::setChangeId);
            if (actor == null) {
                actor = customActor(custom, at);
            }
            // What the event itself states wins over what customData adds.
            CustomData.attributes(custom, at).forEach(facts::putIfAbsent);
        }

        Map<String, String> attributes = attributes(event);
        attributes.putAll(facts);
        String scope = scope(event, purl, subject.getService());
        return PipelineEvent.newBuilder()
                .setId(RecordIds.of(input.tenant(), event.source(), event.id()))
                .setTenant(input.tenant())
                .setScope(scope)
                .setKind(CDEventKinds.of(subjectType, event.predicate()))
                .setSourceType(event.type())
                .setFormat(InputFormat.CDEVENTS)
                .setSource(event.source())
                .setSourceEventId(event.id())
                .setEventTime(event.timestamp().truncatedTo(ChronoUnit.MICROS))
                .setReceivedAt(input.receivedAt().truncatedTo(ChronoUnit.MILLIS))
                .setSubject(subject.build())
                .setActor(actor)
                .setOutcome(outcome(text(content, "outcome")))
                .setAttributes(attributes)
                .setEvidenceSha256(input.evidenceSha256())
                .setEvidenceSize(input.evidenceSize())
                .setCustomData(custom == null ? null : json(custom))
                .build();
    }

    private static void putText(Map<String, String> facts, String name, String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null) {
                facts.put(name, candidate);
                return;
            }
        }
    }

    private static String joined(JsonNode array) {
        if (array == null || !array.isArray()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode item : array) {
            if (item.isValueNode() && !item.isNull() && !item.asText().isBlank()) {
                out.append(out.isEmpty() ? "" : ",").append(item.asText().trim());
            }
        }
        return out.isEmpty() ? null : out.toString();
    }

    /**
     * The subject's scope: the repository when there is one, else the artifact's name from its
     * purl, else the service, else the producer ({@code context.source}).
     */
    static String scope(CDEvent event, Optional<PackageUrl> purl, String service) {
        JsonNode content = event.content();
        JsonNode repository = content.path("repository");
        String repoId = text(repository, "id");
        if (repoId != null) {
            String scope = repositoryScope(repoId, text(repository, "source"));
            if (!scope.isEmpty()) {
                return scope;
            }
        }
        if (event.subjectType().equals("repository")) {
            String scope = repositorySubjectScope(event);
            if (!scope.isEmpty()) {
                return scope;
            }
        }
        if (purl.isPresent()) {
            return purl.get().name();
        }
        if (service != null) {
            return service;
        }
        return event.source();
    }

    /** {@code host-of-source/id}, e.g. https://github.com + acme/shop = github.com/acme/shop; just id without source. */
    static String repositoryScope(String id, String source) {
        String path = trimSlashes(id.trim());
        String host = host(source);
        if (host == null || path.isEmpty() || path.toLowerCase(Locale.ROOT).startsWith(host + "/")) {
            return path;
        }
        return host + "/" + path;
    }

    private static String repositorySubjectScope(CDEvent event) {
        JsonNode content = event.content();
        String url = text(content, "url");
        if (url != null) {
            String host = host(url);
            String path = pathOf(url);
            if (host != null && !path.isEmpty()) {
                return host + "/" + (path.endsWith(".git") ? path.substring(0, path.length() - 4) : path);
            }
        }
        String owner = text(content, "owner");
        String name = text(content, "name");
        if (name != null) {
            return repositoryScope(owner == null ? name : owner + "/" + name, null);
        }
        return trimSlashes(event.subjectId());
    }

    private static String host(String source) {
        if (source == null || source.isBlank()) {
            return null;
        }
        String s = source.trim();
        try {
            URI uri = URI.create(s);
            if (uri.getHost() != null) {
                return uri.getHost().toLowerCase(Locale.ROOT);
            }
        } catch (IllegalArgumentException e) {
            // not a URI: fall back to reading it as host[/path]
        }
        if (s.contains("://") || s.startsWith("/")) {
            return null;
        }
        int slash = s.indexOf('/');
        String host = (slash < 0 ? s : s.substring(0, slash)).toLowerCase(Locale.ROOT);
        return host.isEmpty() ? null : host;
    }

    private static String pathOf(String url) {
        try {
            String path = URI.create(url.trim()).getPath();
            return path == null ? "" : trimSlashes(path);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String trimSlashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '/') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(start, end);
    }

    private static Optional<PackageUrl> purlOf(CDEvent event) {
        Optional<PackageUrl> fromContent = PackageUrl.parse(text(event.content(), "artifactId"));
        return fromContent.isPresent() ? fromContent : PackageUrl.parse(event.subjectId());
    }

    static Outcome outcome(String value) {
        if (value == null) {
            return Outcome.UNKNOWN;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "success", "succeeded", "pass", "passed" -> Outcome.SUCCESS;
            case "failure", "failed", "fail" -> Outcome.FAILURE;
            case "cancel", "canceled", "cancelled" -> Outcome.CANCELLED;
            case "error", "errored" -> Outcome.ERROR;
            case "pending", "queued", "running" -> Outcome.PENDING;
            default -> Outcome.UNKNOWN;
        };
    }

    private static Actor actorFromContent(String subjectType, String predicate, JsonNode content) {
        // artifact.published names its publisher in "user"; the approval draft names the responder;
        // a ticket names who created it and who last changed (or closed) it.
        String id = text(content, "user");
        if (id == null && subjectType.equals("approval")) {
            id = text(content, "responder");
        }
        if (id == null && subjectType.equals("ticket")) {
            id = predicate.equals("created") ? text(content, "creator") : text(content, "updatedBy");
        }
        return id == null ? null : Actor.newBuilder().setId(id).build();
    }

    private static Optional<String> customCommitSha(JsonNode custom, String at) throws InvalidInputException {
        Optional<String> sha = customText(custom, at, "commitSha");
        if (sha.isPresent()) {
            String normalized = sha.get().trim().toLowerCase(Locale.ROOT);
            if (!COMMIT_SHA.matcher(normalized).matches()) {
                String p = pointer(at, "commitSha");
                throw InvalidInputException.invalidField(
                        p, p + " must be a full commit SHA (40 or 64 hex digits), not " + quote(sha.get()) + ".");
            }
            return Optional.of(normalized);
        }
        return sha;
    }

    private static Optional<String> customChangeId(JsonNode custom, String at) throws InvalidInputException {
        JsonNode node = custom.get("changeId");
        if (node != null && node.isIntegralNumber()) {
            return Optional.of(node.asText());
        }
        return customText(custom, at, "changeId");
    }

    private static Optional<String> customText(JsonNode custom, String at, String name) throws InvalidInputException {
        JsonNode node = custom.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        String p = pointer(at, name);
        if (!node.isTextual() || node.asText().isBlank()) {
            throw InvalidInputException.invalidField(p, p + " must be a non-empty string, not " + describe(node) + ".");
        }
        return Optional.of(node.asText());
    }

    private static Actor customActor(JsonNode custom, String at) throws InvalidInputException {
        JsonNode node = custom.get("actor");
        if (node == null || node.isNull()) {
            return null;
        }
        String p = pointer(at, "actor");
        if (node.isTextual() && !node.asText().isBlank()) {
            return Actor.newBuilder().setId(node.asText()).build();
        }
        if (node.isObject()) {
            String id = customText(node, p, "id")
                    .orElseThrow(() -> InvalidInputException.invalidField(
                            pointer(p, "id"), pointer(p, "id") + " is required when " + p + " is an object."));
            return Actor.newBuilder()
                    .setId(id)
                    .setName(customText(node, p, "name").orElse(null))
                    .setEmail(customText(node, p, "email").orElse(null))
                    .build();
        }
        throw InvalidInputException.invalidField(
                p, p + " must be a login string or an object {id, name, email}, not " + describe(node) + ".");
    }

    /**
     * Flat string facts for the controls: every scalar of {@code subject.content} under its dotted
     * path ({@code environment.id}, {@code testSuite.name}), plus the context's correlation fields.
     */
    static Map<String, String> attributes(CDEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        flatten("", event.content(), attributes);
        // The signature is evidence (kept with the raw input), not a fact to match on.
        attributes.remove("signature");
        attributes.put("cdevents.subjectId", event.subjectId());
        if (event.subjectSource() != null) {
            attributes.put("cdevents.subjectSource", event.subjectSource());
        }
        for (String name : new String[] {"specversion", "chainId", "schemaUri"}) {
            String value = text(event.context(), name);
            if (value != null) {
                attributes.put("cdevents." + name, value);
            }
        }
        return attributes;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> flatten(prefix + e.getKey() + ".", e.getValue(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + i + ".", node.get(i), out);
            }
        } else if (!node.isNull() && !prefix.isEmpty()) {
            out.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }

    private static String stripHeads(String branch) {
        return branch.startsWith("refs/heads/") ? branch.substring("refs/heads/".length()) : branch;
    }

    /** A non-blank string member, or null: content is read leniently, its schema varies by type. */
    private static String text(JsonNode object, String name) {
        JsonNode node = object == null ? null : object.get(name);
        return node != null && node.isTextual() && !node.asText().isBlank() ? node.asText() : null;
    }

    private static String json(JsonNode node) {
        try {
            return Json.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree cannot be written back", e);
        }
    }
}
