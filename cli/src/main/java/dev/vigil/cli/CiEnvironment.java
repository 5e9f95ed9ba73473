package dev.vigil.cli;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the CI system running {@code vigil publish} says about the run: which repository, commit,
 * branch, run and actor. Read from the CI's own environment variables so a pipeline step needs no
 * flags; every value can be overridden on the command line.
 *
 * @param system github-actions, gitlab-ci, jenkins or none
 * @param repository the repository as Vigil's scope spells it: {@code host/path}, e.g. github.com/acme/shop
 * @param runId the CI's id of the pipeline run
 * @param runAttempt the attempt of a re-run, where the CI counts them
 * @param environment the deployment environment the job targets, where the CI says (GitLab)
 */
record CiEnvironment(
        String system,
        String repository,
        String commit,
        String branch,
        String runId,
        String runAttempt,
        String runUrl,
        String actor,
        String environment) {

    static final CiEnvironment NONE = new CiEnvironment("none", null, null, null, null, null, null, null, null);

    static CiEnvironment detect(Map<String, String> env) {
        if ("true".equalsIgnoreCase(env.get("GITHUB_ACTIONS")) || present(env, "GITHUB_RUN_ID")) {
            return github(env);
        }
        if ("true".equalsIgnoreCase(env.get("GITLAB_CI")) || present(env, "CI_PIPELINE_ID")) {
            return gitlab(env);
        }
        if (present(env, "JENKINS_URL") || present(env, "BUILD_URL")) {
            return jenkins(env);
        }
        return NONE;
    }

    private static CiEnvironment github(Map<String, String> env) {
        String server = get(env, "GITHUB_SERVER_URL").orElse("https://github.com");
        String repo = get(env, "GITHUB_REPOSITORY").orElse(null);
        String runId = get(env, "GITHUB_RUN_ID").orElse(null);
        String attempt = get(env, "GITHUB_RUN_ATTEMPT").orElse(null);
        String runUrl = null;
        if (repo != null && runId != null) {
            runUrl = trimSlash(server) + "/" + repo + "/actions/runs/" + runId
                    + (attempt == null ? "" : "/attempts/" + attempt);
        }
        // On pull_request events GITHUB_REF_NAME is "<n>/merge"; the PR's own branch is GITHUB_HEAD_REF.
        String branch = get(env, "GITHUB_HEAD_REF")
                .or(() -> get(env, "GITHUB_REF_NAME"))
                .orElse(null);
        return new CiEnvironment(
                "github-actions",
                repo == null ? null : repository(server + "/" + repo),
                get(env, "GITHUB_SHA").orElse(null),
                branch,
                runId,
                attempt,
                runUrl,
                get(env, "GITHUB_ACTOR").orElse(null),
                null);
    }

    private static CiEnvironment gitlab(Map<String, String> env) {
        String host = get(env, "CI_SERVER_HOST").orElse("gitlab.com");
        String path = get(env, "CI_PROJECT_PATH").orElse(null);
        String runUrl = get(env, "CI_PIPELINE_URL").orElse(null);
        if (runUrl == null && path != null && present(env, "CI_PIPELINE_ID")) {
            String server = get(env, "CI_SERVER_URL").orElse("https://" + host);
            runUrl = trimSlash(server) + "/" + path + "/-/pipelines/" + env.get("CI_PIPELINE_ID");
        }
        return new CiEnvironment(
                "gitlab-ci",
                path == null ? null : repository(host + "/" + path),
                get(env, "CI_COMMIT_SHA").orElse(null),
                get(env, "CI_COMMIT_REF_NAME").orElse(null),
                get(env, "CI_PIPELINE_ID").orElse(null),
                null,
                runUrl,
                get(env, "GITLAB_USER_LOGIN").orElse(null),
                get(env, "CI_ENVIRONMENT_NAME").orElse(null));
    }

    private static CiEnvironment jenkins(Map<String, String> env) {
        // Multibranch pipelines name the branch in BRANCH_NAME; the git plugin's GIT_BRANCH reads origin/main.
        String branch = get(env, "BRANCH_NAME")
                .or(() -> get(env, "GIT_BRANCH").map(CiEnvironment::stripRemote))
                .orElse(null);
        // BUILD_ID counts per job, so the job name makes it unique on the controller.
        String runId = get(env, "BUILD_ID")
                .map(id -> get(env, "JOB_NAME").map(job -> job + "#" + id).orElse(id))
                .orElse(null);
        return new CiEnvironment(
                "jenkins",
                get(env, "GIT_URL").map(CiEnvironment::repository).orElse(null),
                get(env, "GIT_COMMIT").orElse(null),
                branch,
                runId,
                null,
                get(env, "BUILD_URL").orElse(null),
                get(env, "BUILD_USER_ID").orElse(null),
                null);
    }

    /** This context with each value given on the command line replacing the detected one. */
    CiEnvironment withOverrides(CliArgs args) {
        return new CiEnvironment(
                system,
                args.option("repository").map(CiEnvironment::repository).orElse(repository),
                args.option("commit")
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .orElse(commit),
                args.option("branch").map(CiEnvironment::stripHeads).orElse(branch),
                args.option("run").orElse(runId),
                args.option("run-attempt").orElse(runAttempt),
                args.option("run-url").orElse(runUrl),
                args.option("actor").orElse(actor),
                args.option("env").orElse(environment));
    }

    /**
     * A repository as {@code host/path}: accepts a web URL, an scp-style git remote
     * ({@code git@host:owner/repo.git}) or host/path as is; a trailing ".git" and slashes go.
     */
    static String repository(String value) {
        String s = value.trim();
        String hostAndPath;
        int scheme = s.indexOf("://");
        if (scheme > 0) {
            URI uri;
            try {
                uri = URI.create(s);
            } catch (IllegalArgumentException e) {
                throw new CliArgs.UsageException("not a repository URL: '" + value + "'");
            }
            if (uri.getHost() == null) {
                throw new CliArgs.UsageException("not a repository URL (no host): '" + value + "'");
            }
            hostAndPath = uri.getHost().toLowerCase(Locale.ROOT) + "/" + trimSlashes(uri.getPath());
        } else if (s.matches("[^/@]+@[^:/]+:.+")) {
            int at = s.indexOf('@');
            int colon = s.indexOf(':', at);
            hostAndPath =
                    s.substring(at + 1, colon).toLowerCase(Locale.ROOT) + "/" + trimSlashes(s.substring(colon + 1));
        } else {
            hostAndPath = trimSlashes(s);
        }
        if (hostAndPath.endsWith(".git")) {
            hostAndPath = hostAndPath.substring(0, hostAndPath.length() - 4);
        }
        hostAndPath = trimSlashes(hostAndPath);
        if (hostAndPath.isEmpty()) {
            throw new CliArgs.UsageException("empty repository: '" + value + "'");
        }
        return hostAndPath;
    }

    /** The host of {@link #repository()} when its first segment looks like one (has a dot or a port). */
    Optional<String> repositoryHost() {
        if (repository == null) {
            return Optional.empty();
        }
        int slash = repository.indexOf('/');
        String first = slash < 0 ? repository : repository.substring(0, slash);
        return slash > 0 && (first.contains(".") || first.contains(":")) ? Optional.of(first) : Optional.empty();
    }

    /** {@link #repository()} without its host: owner/name. */
    Optional<String> repositoryPath() {
        if (repository == null) {
            return Optional.empty();
        }
        return Optional.of(
                repositoryHost().map(h -> repository.substring(h.length() + 1)).orElse(repository));
    }

    private static String stripRemote(String branch) {
        return branch.startsWith("origin/") ? branch.substring("origin/".length()) : stripHeads(branch);
    }

    private static String stripHeads(String branch) {
        String b = branch.trim();
        return b.startsWith("refs/heads/") ? b.substring("refs/heads/".length()) : b;
    }

    private static boolean present(Map<String, String> env, String name) {
        return get(env, name).isPresent();
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
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
}
