package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CiEnvironmentTest {

    static final String SHA = "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";

    @Test
    void shouldReadGitHubActionsContext() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_SERVER_URL", "https://github.com",
                "GITHUB_REPOSITORY", "acme/shop",
                "GITHUB_SHA", SHA,
                "GITHUB_REF_NAME", "main",
                "GITHUB_RUN_ID", "9876543210",
                "GITHUB_RUN_ATTEMPT", "2",
                "GITHUB_ACTOR", "octocat"));

        assertThat(ci)
                .isEqualTo(new CiEnvironment(
                        "github-actions",
                        "github.com/acme/shop",
                        SHA,
                        "main",
                        "9876543210",
                        "2",
                        "https://github.com/acme/shop/actions/runs/9876543210/attempts/2",
                        "octocat",
                        null));
        assertThat(ci.repositoryHost()).hasValue("github.com");
        assertThat(ci.repositoryPath()).hasValue("acme/shop");
    }

    @Test
    void shouldTakeThePullRequestsOwnBranchOnGitHubRatherThanTheMergeRef() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_REPOSITORY", "acme/shop",
                "GITHUB_REF_NAME", "42/merge",
                "GITHUB_HEAD_REF", "feature/login"));

        assertThat(ci.branch()).isEqualTo("feature/login");
        assertThat(ci.repository()).isEqualTo("github.com/acme/shop");
    }

    @Test
    void shouldReadGitHubEnterpriseHostFromTheServerUrl() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "GITHUB_ACTIONS", "true",
                "GITHUB_SERVER_URL", "https://GHE.Acme.example:8443/",
                "GITHUB_REPOSITORY", "platform/api"));

        assertThat(ci.repository()).isEqualTo("ghe.acme.example/platform/api");
    }

    @Test
    void shouldReadGitLabCiContextIncludingTheEnvironment() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "GITLAB_CI", "true",
                "CI_SERVER_HOST", "gitlab.example.com",
                "CI_SERVER_URL", "https://gitlab.example.com",
                "CI_PROJECT_PATH", "group/sub/shop",
                "CI_COMMIT_SHA", SHA,
                "CI_COMMIT_REF_NAME", "release/1.2",
                "CI_PIPELINE_ID", "1234",
                "GITLAB_USER_LOGIN", "alice",
                "CI_ENVIRONMENT_NAME", "production"));

        assertThat(ci)
                .isEqualTo(new CiEnvironment(
                        "gitlab-ci",
                        "gitlab.example.com/group/sub/shop",
                        SHA,
                        "release/1.2",
                        "1234",
                        null,
                        "https://gitlab.example.com/group/sub/shop/-/pipelines/1234",
                        "alice",
                        "production"));
    }

    @Test
    void shouldReadJenkinsContextFromAnScpStyleGitRemote() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "JENKINS_URL", "https://jenkins.acme.example/",
                "GIT_URL", "git@github.com:acme/shop.git",
                "GIT_COMMIT", SHA,
                "GIT_BRANCH", "origin/main",
                "JOB_NAME", "shop/main",
                "BUILD_ID", "57",
                "BUILD_URL", "https://jenkins.acme.example/job/shop/job/main/57/"));

        assertThat(ci)
                .isEqualTo(new CiEnvironment(
                        "jenkins",
                        "github.com/acme/shop",
                        SHA,
                        "main",
                        "shop/main#57",
                        null,
                        "https://jenkins.acme.example/job/shop/job/main/57/",
                        null,
                        null));
    }

    @Test
    void shouldPreferTheMultibranchBranchNameOnJenkinsAndReadAnHttpsRemote() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                "BUILD_URL", "https://ci/job/x/3/",
                "BUILD_ID", "3",
                "GIT_URL", "https://gitlab.com/acme/billing.git",
                "GIT_BRANCH", "origin/PR-12",
                "BRANCH_NAME", "PR-12"));

        assertThat(ci.system()).isEqualTo("jenkins");
        assertThat(ci.repository()).isEqualTo("gitlab.com/acme/billing");
        assertThat(ci.branch()).isEqualTo("PR-12");
        assertThat(ci.runId()).isEqualTo("3");
    }

    @Test
    void shouldKnowNothingOutsideACi() {
        CiEnvironment ci = CiEnvironment.detect(Map.of("HOME", "/home/me", "PATH", "/usr/bin"));

        assertThat(ci).isEqualTo(CiEnvironment.NONE);
        assertThat(ci.repositoryPath()).isEmpty();
    }

    @Test
    void shouldLetFlagsOverrideWhatTheCiSays() {
        CiEnvironment ci = CiEnvironment.detect(Map.of(
                        "GITHUB_ACTIONS", "true",
                        "GITHUB_REPOSITORY", "acme/shop",
                        "GITHUB_SHA", SHA,
                        "GITHUB_REF_NAME", "main"))
                .withOverrides(CliArgs.parse(new String[] {
                    "--repository", "https://gitlab.com/acme/Other.git",
                    "--commit", SHA.toUpperCase(java.util.Locale.ROOT).replace('4', 'a'),
                    "--branch", "refs/heads/hotfix",
                    "--env", "staging",
                    "--run", "r-1"
                }));

        assertThat(ci.repository()).isEqualTo("gitlab.com/acme/Other");
        assertThat(ci.commit()).isEqualTo(SHA.replace('4', 'a'));
        assertThat(ci.branch()).isEqualTo("hotfix");
        assertThat(ci.environment()).isEqualTo("staging");
        assertThat(ci.runId()).isEqualTo("r-1");
        assertThat(ci.system()).isEqualTo("github-actions");
    }

    @Test
    void shouldNormalizeRepositorySpellingsToHostAndPath() {
        assertThat(CiEnvironment.repository("https://github.com/acme/shop/")).isEqualTo("github.com/acme/shop");
        assertThat(CiEnvironment.repository("ssh://git@gitlab.com/acme/shop.git"))
                .isEqualTo("gitlab.com/acme/shop");
        assertThat(CiEnvironment.repository("github.com/acme/shop")).isEqualTo("github.com/acme/shop");
        assertThat(CiEnvironment.repository("acme/shop")).isEqualTo("acme/shop");
        assertThatThrownBy(() -> CiEnvironment.repository(" / "))
                .isInstanceOf(CliArgs.UsageException.class)
                .hasMessageContaining("empty repository");
    }

    @Test
    void shouldHaveNoHostForARepositoryWithoutOne() {
        CiEnvironment ci = CiEnvironment.NONE.withOverrides(CliArgs.parse(new String[] {"--repository", "acme/shop"}));

        assertThat(ci.repositoryHost()).isEmpty();
        assertThat(ci.repositoryPath()).hasValue("acme/shop");
    }
}
