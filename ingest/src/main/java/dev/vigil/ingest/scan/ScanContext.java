package dev.vigil.ingest.scan;

import dev.vigil.common.http.Problem;
import dev.vigil.ingest.adapter.InvalidInputException;
import dev.vigil.ingest.adapter.RawInput;
import dev.vigil.schemas.Subject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The subject of a report: what the payload says, else the request parameters {@code repository,
 * commit, branch, digest, environment, run, service}. The scope is the repository as
 * host/owner/name, else the service; a report about neither cannot be keyed and is refused 422.
 */
final class ScanContext {

    static final String MISSING_CONTEXT = "missing-context";

    private static final Pattern FULL_SHA = Pattern.compile("[0-9a-fA-F]{40}|[0-9a-fA-F]{64}");
    private static final Pattern SOME_SHA = Pattern.compile("[0-9a-fA-F]{7,64}");
    private static final Pattern DIGEST = Pattern.compile("([a-z][a-z0-9]*):([0-9a-f]{32,128})");
    private static final Pattern SAFE = Pattern.compile("[^\\p{Cntrl}\\s]{1,512}");
    private static final Pattern SAFE_WITH_SPACES = Pattern.compile("[^\\p{Cntrl}]{1,512}");

    record Resolved(String scope, Subject subject) {}

    private ScanContext() {}

    static Resolved resolve(RawInput input, Report.ReportContext payload) throws InvalidInputException {
        String repository = payloadRepository(payload.repository);
        if (repository == null) {
            repository = param(input, "repository")
                    .map(v -> normalizeRepository(v).orElse(null))
                    .orElse(null);
            if (repository == null && input.param("repository").isPresent()) {
                throw InvalidInputException.invalidParameter(
                        "repository",
                        "must be a repository such as github.com/acme/shop or https://github.com/acme/shop.git.");
            }
        }
        String commit = payloadCommit(payload.commit);
        if (commit == null) {
            Optional<String> c = param(input, "commit");
            if (c.isPresent()) {
                if (!FULL_SHA.matcher(c.get()).matches()) {
                    throw InvalidInputException.invalidParameter(
                            "commit", "must be a full commit SHA (40 or 64 hex digits).");
                }
                commit = c.get().toLowerCase(Locale.ROOT);
            }
        }
        String digest = digest(payload.digest);
        if (digest == null) {
            Optional<String> d = param(input, "digest");
            if (d.isPresent()) {
                digest = digest(d.get());
                if (digest == null) {
                    throw InvalidInputException.invalidParameter(
                            "digest", "must be algorithm:hex such as sha256:0b31... (lower-case hex).");
                }
            }
        }
        String branch = branch(firstSafe(payload.branch, input, "branch"));
        String environment = firstSafe(payload.environment, input, "environment");
        String run = firstSafe(payload.run, input, "run");
        String service = firstSafe(payload.service, input, "service", SAFE_WITH_SPACES);
        String artifactName = safe(payload.artifactName, SAFE_WITH_SPACES);

        String scope = repository != null ? repository : service;
        if (scope == null) {
            // The endpoint overrides the scope with ?scope= after normalizing: a report is then keyable.
            scope = input.param("scope").filter(s -> !s.isBlank()).orElse(null);
        }
        if (scope == null) {
            throw new InvalidInputException(new Problem(
                    Problem.TYPE_BASE + MISSING_CONTEXT,
                    "Missing Context",
                    422,
                    "The report does not say which repository or service it is about; add the query parameter"
                            + " repository (e.g. ?repository=github.com/acme/shop) or service.",
                    null,
                    List.of(new Problem.FieldError(
                            null, "query parameter repository (or service) is required for this report."))));
        }
        Subject subject = Subject.newBuilder()
                .setCommitSha(commit)
                .setBranch(branch)
                .setArtifactDigest(digest)
                .setArtifactName(artifactName)
                .setEnvironment(environment)
                .setPipelineRunId(run)
                .setService(service)
                .build();
        return new Resolved(scope, subject);
    }

    /**
     * host/owner/name from the ways repositories are written: https URLs (with or without .git and
     * credentials), scp-like {@code git@host:owner/name.git}, or already host/owner/name. Only the
     * host is lower-cased: paths are case-sensitive on some forges.
     */
    static Optional<String> normalizeRepository(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String s = raw.strip();
        if (s.isEmpty() || s.length() > 512 || !SAFE.matcher(s).matches()) {
            return Optional.empty();
        }
        String host;
        String path;
        if (s.contains("://")) {
            try {
                URI uri = new URI(s);
                host = uri.getHost();
                path = uri.getPath();
            } catch (URISyntaxException e) {
                return Optional.empty();
            }
        } else if (s.matches("[^@/:]+@[^@:/]+:.+")) {
            int at = s.indexOf('@');
            int colon = s.indexOf(':', at);
            host = s.substring(at + 1, colon);
            path = s.substring(colon + 1);
        } else {
            int slash = s.indexOf('/');
            if (slash <= 0 || !s.substring(0, slash).contains(".")) {
                return Optional.empty();
            }
            host = s.substring(0, slash);
            path = s.substring(slash);
        }
        if (host == null || host.isBlank() || path == null) {
            return Optional.empty();
        }
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.endsWith(".git")) {
            p = p.substring(0, p.length() - 4);
        }
        if (p.isEmpty() || !p.contains("/") || p.contains("//")) {
            return Optional.empty();
        }
        return Optional.of(host.toLowerCase(Locale.ROOT) + "/" + p);
    }

    private static String payloadRepository(String value) {
        return normalizeRepository(value).orElse(null);
    }

    /** Payload SHAs are taken when they look like one (tools sometimes write short SHAs); else ignored. */
    private static String payloadCommit(String value) {
        return value != null && SOME_SHA.matcher(value).matches() ? value.toLowerCase(Locale.ROOT) : null;
    }

    static String digest(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        int at = v.lastIndexOf('@');
        if (at >= 0) {
            v = v.substring(at + 1); // name@sha256:... as RepoDigests write it
        }
        v = v.toLowerCase(Locale.ROOT);
        return DIGEST.matcher(v).matches() ? v : null;
    }

    private static String branch(String value) {
        if (value == null) {
            return null;
        }
        return value.startsWith("refs/heads/") ? value.substring("refs/heads/".length()) : value;
    }

    private static String firstSafe(String payloadValue, RawInput input, String name) throws InvalidInputException {
        return firstSafe(payloadValue, input, name, SAFE);
    }

    private static String firstSafe(String payloadValue, RawInput input, String name, Pattern allowed)
            throws InvalidInputException {
        String fromPayload = safe(payloadValue, allowed);
        if (fromPayload != null) {
            return fromPayload;
        }
        Optional<String> p = param(input, name);
        if (p.isPresent() && !allowed.matcher(p.get()).matches()) {
            throw InvalidInputException.invalidParameter(
                    name, "must be at most 512 characters, without control characters.");
        }
        return p.orElse(null);
    }

    private static String safe(String value, Pattern allowed) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return allowed.matcher(v).matches() ? v : null;
    }

    private static Optional<String> param(RawInput input, String name) {
        return input.param(name).map(String::strip).filter(s -> !s.isEmpty());
    }
}
