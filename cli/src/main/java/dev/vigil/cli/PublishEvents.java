package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.common.json.Json;
import dev.vigil.schemas.Attributes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds the events {@code vigil publish event} sends: a CDEvent in a CloudEvents 1.0
 * structured-mode envelope, as ingest's CDEvents adapter reads it. CDEvents has no field for
 * commit, branch or actor, so those travel in {@code customData} under the names the adapter maps
 * ({@code commitSha}, {@code branch}, {@code actor}); further facts go there under the
 * {@link Attributes} names the controls read ({@code deploy.tier}, {@code deploy.emergency}, ...).
 */
final class PublishEvents {

    static final List<String> KINDS = List.of("deployment", "build", "test", "incident");
    static final String SPEC_VERSION = "0.5.1";
    static final String MEDIA_TYPE = "application/cloudevents+json";

    private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final List<String> OUTCOMES = List.of("success", "failure", "cancel", "error");

    private PublishEvents() {}

    /** The CloudEvent for {@code vigil publish event <kind>}; {@code id} becomes both the CloudEvent and CDEvent id. */
    static ObjectNode build(String kind, CliArgs args, CiEnvironment ci, Instant now, String id) {
        if (ci.commit() != null && !COMMIT_SHA.matcher(ci.commit()).matches()) {
            throw new CliArgs.UsageException(
                    "--commit must be a full commit SHA (40 or 64 hex digits), not '" + ci.commit() + "'");
        }
        ObjectNode content = Json.mapper().createObjectNode();
        ObjectNode custom = Json.mapper().createObjectNode();
        String type;
        String subjectId;
        switch (kind) {
            case "deployment" -> {
                type = "dev.cdevents.service.deployed.0.3.0";
                String env =
                        required(args.option("env").orElse(ci.environment()), "--env (the environment deployed to)");
                String service = args.option("service")
                        .or(() -> ci.repositoryPath().map(PublishEvents::lastSegment))
                        .orElseThrow(() ->
                                new CliArgs.UsageException("--service is required when the repository is unknown"));
                subjectId = service;
                content.putObject("environment").put("id", env);
                artifact(args, service).ifPresent(a -> content.put("artifactId", a));
                custom.put(Attributes.DEPLOY_TIER, args.option("tier").orElse(tier(env)));
                if (args.flag("emergency")) {
                    custom.put(Attributes.DEPLOY_EMERGENCY, "true");
                }
                args.option("deploy-id").ifPresent(v -> custom.put(Attributes.DEPLOY_ID, v));
                args.option("approvers").ifPresent(v -> custom.put(Attributes.DEPLOY_APPROVERS, list(v)));
                if (ci.branch() != null) {
                    custom.put(Attributes.DEPLOY_REF, ci.branch());
                }
            }
            case "build" -> {
                type = "dev.cdevents.build.finished.0.3.0";
                subjectId = ci.runId() != null ? ci.runId() : id;
                // build.finished has no outcome in the spec; ingest reads content.outcome where present.
                content.put("outcome", outcome(args));
                artifact(
                                args,
                                ci.repositoryPath()
                                        .map(PublishEvents::lastSegment)
                                        .orElse(null))
                        .ifPresent(a -> content.put("artifactId", a));
            }
            case "test" -> {
                type = "dev.cdevents.testsuiterun.finished.0.3.0";
                String suite = args.option("suite").orElse("tests");
                subjectId = (ci.runId() != null ? ci.runId() : id) + "/" + suite;
                content.put("outcome", outcome(args));
                content.putObject("environment")
                        .put("id", args.option("env").orElse(ci.environment() == null ? "ci" : ci.environment()));
                content.putObject("testSuite").put("id", suite).put("name", suite);
                args.option("reason").ifPresent(v -> content.put("reason", v));
                custom.put(Attributes.TEST_SUITE, suite);
            }
            case "incident" -> {
                String state = args.option("state").orElse("detected").toLowerCase(Locale.ROOT);
                if (!List.of("detected", "reported", "resolved").contains(state)) {
                    throw new CliArgs.UsageException(
                            "--state takes detected, reported or resolved; got '" + state + "'");
                }
                type = "dev.cdevents.incident." + state + ".0.3.0";
                String incident = required(args.option("incident").orElse(null), "--incident (the incident id)");
                subjectId = incident;
                content.putObject("environment")
                        .put(
                                "id",
                                required(
                                        args.option("env").orElse(ci.environment()),
                                        "--env (the affected environment)"));
                args.option("description").ifPresent(v -> content.put("description", v));
                args.option("service")
                        .ifPresent(v -> content.putObject("service").put("id", v));
                artifact(args, args.option("service").orElse(null)).ifPresent(a -> content.put("artifactId", a));
                custom.put(Attributes.INCIDENT_ID, incident);
                args.option("severity")
                        .ifPresent(v -> custom.put(Attributes.INCIDENT_SEVERITY, v.toLowerCase(Locale.ROOT)));
                if (args.flag("personal-data-breach")) {
                    custom.put(Attributes.INCIDENT_PERSONAL_DATA_BREACH, "true");
                }
                args.option("aware-at")
                        .ifPresent(v -> custom.put(Attributes.INCIDENT_AWARE_AT, instant(v, "--aware-at")));
                args.option("notified-at")
                        .ifPresent(v -> custom.put(Attributes.INCIDENT_NOTIFIED_AT, instant(v, "--notified-at")));
                args.option("postmortem").ifPresent(v -> custom.put(Attributes.INCIDENT_POSTMORTEM_URL, v));
            }
            default ->
                throw new CliArgs.UsageException("unknown event '" + kind + "'; events: " + String.join(", ", KINDS));
        }

        ci.repositoryPath().ifPresent(path -> {
            ObjectNode repository = content.putObject("repository").put("id", path);
            ci.repositoryHost().ifPresent(host -> repository.put("source", "https://" + host));
        });
        if (ci.commit() != null) {
            custom.put("commitSha", ci.commit());
        }
        if (ci.branch() != null) {
            custom.put("branch", ci.branch());
        }
        if (ci.actor() != null) {
            custom.put("actor", ci.actor());
        }
        if (ci.runId() != null) {
            custom.put("pipelineRunId", ci.runId());
        }
        if (ci.runUrl() != null) {
            custom.put(Attributes.PIPELINE_URL, ci.runUrl());
        }
        if (ci.runAttempt() != null) {
            custom.put(Attributes.PIPELINE_RUN_ATTEMPT, ci.runAttempt());
        }

        String source = ci.runUrl() != null ? ci.runUrl() : "vigil-cli";
        ObjectNode cdevent = Json.mapper().createObjectNode();
        cdevent.putObject("context")
                .put("specversion", SPEC_VERSION)
                .put("id", id)
                .put("source", source)
                .put("type", type)
                .put("timestamp", now.toString());
        ObjectNode subject = cdevent.putObject("subject").put("id", subjectId).put("source", source);
        subject.set("content", content);
        if (!custom.isEmpty()) {
            cdevent.set("customData", custom);
            cdevent.put("customDataContentType", "application/json");
        }

        ObjectNode ce = Json.mapper().createObjectNode();
        ce.put("specversion", "1.0");
        ce.put("id", id);
        ce.put("source", source);
        ce.put("type", type);
        ce.put("subject", subjectId);
        ce.put("time", now.toString());
        ce.put("datacontenttype", "application/json");
        ce.set("data", cdevent);
        return ce;
    }

    /**
     * {@code --artifact} as given (a purl), or one built from {@code --digest} and the artifact's
     * name: {@code pkg:oci/<name>@sha256%3A<hex>}, the form CDEvents examples use.
     */
    static Optional<String> artifact(CliArgs args, String name) {
        Optional<String> artifact = args.option("artifact");
        if (artifact.isPresent()) {
            if (!artifact.get().startsWith("pkg:")) {
                throw new CliArgs.UsageException(
                        "--artifact must be a package URL (pkg:oci/app@sha256%3A...), not '" + artifact.get() + "'");
            }
            return artifact;
        }
        Optional<String> digest = args.option("digest").map(d -> d.trim().toLowerCase(Locale.ROOT));
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        if (!DIGEST.matcher(digest.get()).matches()) {
            throw new CliArgs.UsageException("--digest must read sha256:<64 hex digits>, not '" + digest.get() + "'");
        }
        if (name == null) {
            throw new CliArgs.UsageException("--digest needs --service (the image name) or --artifact pkg:oci/...");
        }
        return Optional.of(
                "pkg:oci/" + name.toLowerCase(Locale.ROOT) + "@" + digest.get().replace(":", "%3A"));
    }

    /** The tier a control compares against, from the environment's usual names; anything else is "other". */
    static String tier(String environment) {
        String e = environment.toLowerCase(Locale.ROOT);
        if (e.matches("(.*[^a-z])?(prod|production|prd|live)([^a-z].*)?")) {
            return "production";
        }
        if (e.matches("(.*[^a-z])?(staging|stage|stg|preprod|pre-prod|uat)([^a-z].*)?")) {
            return "staging";
        }
        if (e.matches("(.*[^a-z])?(test|testing|qa|ci)([^a-z].*)?")) {
            return "testing";
        }
        if (e.matches("(.*[^a-z])?(dev|development|sandbox|local)([^a-z].*)?")) {
            return "development";
        }
        return "other";
    }

    private static String outcome(CliArgs args) {
        String outcome = required(args.option("outcome").orElse(null), "--outcome (success, failure, cancel or error)")
                .toLowerCase(Locale.ROOT);
        if (!OUTCOMES.contains(outcome)) {
            throw new CliArgs.UsageException(
                    "--outcome takes success, failure, cancel or error; got '" + outcome + "'");
        }
        return outcome;
    }

    private static String instant(String value, String flag) {
        try {
            return Instant.parse(value.trim()).toString();
        } catch (DateTimeParseException e) {
            throw new CliArgs.UsageException(
                    flag + " must be an ISO-8601 instant (2026-05-01T10:00:00Z), not '" + value + "'");
        }
    }

    private static String list(String commaSeparated) {
        return String.join(
                ",",
                Arrays.stream(commaSeparated.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList());
    }

    private static String lastSegment(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new CliArgs.UsageException(what + " is required");
        }
        return value.trim();
    }
}
