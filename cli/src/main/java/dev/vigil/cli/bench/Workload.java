package dev.vigil.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.cli.bench.BenchInput.Mix;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic (seeded) generator of the HTTP inputs a CI estate sends to ingest: tenants ×
 * repositories {@code github.com/<tenant>/repo-NNN} (the busiest repositories get more traffic: the
 * repository index is drawn as {@code n·u²}), each with a little history, so the controls have
 * something to evaluate: changes are opened, approved (sometimes by their own author, sometimes
 * not at all) and merged; merge commits are tested and built into an image; images are scanned
 * and deployed to staging or production (mostly a built and scanned commit with an approver,
 * sometimes a commit nobody built or with no approver, so violations open).
 *
 * <h2>The mix</h2>
 *
 * <table>
 * <caption>weights and sizes (average bytes measured by WorkloadTest over 20,000 inputs, seed 7)</caption>
 * <tr><th>kind</th><th>weight</th><th>what</th><th>avg bytes</th></tr>
 * <tr><td>BUILD</td><td>31 %</td><td>CDEvents {@code pipelinerun.finished} (the test run) then
 *     {@code build.finished} (the image, a {@code pkg:oci} purl with its digest) of a merge commit,
 *     90 % success</td><td>1,020</td></tr>
 * <tr><td>REVIEW</td><td>22 %</td><td>CDEvents {@code change.reviewed}, {@code customData}
 *     {@code review.state} (85 % approved, 5 % self-approvals), {@code review.commit-sha}</td><td>874</td></tr>
 * <tr><td>MERGE</td><td>18 %</td><td>CDEvents {@code change.merged} into main with author, head and
 *     merge SHAs (≈ 15 % never reviewed)</td><td>1,064</td></tr>
 * <tr><td>IDS</td><td>12 %</td><td>a Wazuh alert ({@code ?format=wazuh&service=svc-NNN}; scope =
 *     the service), rule levels 3 to 12</td><td>941</td></tr>
 * <tr><td>DEPLOY</td><td>9 %</td><td>CDEvents {@code service.deployed}, 40 % to production; 90 %
 *     of a built image, 85 % with an approver</td><td>1,167</td></tr>
 * <tr><td>SARIF</td><td>4 %</td><td>SARIF 2.1.0 from Semgrep- and CodeQL-like drivers, 12 rules,
 *     20 to 80 results ({@code ?format=sarif&repository=&commit=&branch=})</td><td>95,524 (50 to 141 KB)</td></tr>
 * <tr><td>TRIVY</td><td>2 %</td><td>Trivy JSON of a container image, 100 to 500 vulnerabilities
 *     ({@code ?format=trivy&repository=&commit=&digest=})</td><td>353,029 (158 to 780 KB)</td></tr>
 * <tr><td>CYCLONEDX</td><td>2 %</td><td>CycloneDX 1.6 SBOM of the image, 100 to 300 components
 *     and 5 to 30 vulnerabilities ({@code ?format=cyclonedx&...})</td><td>129,537 (54 to 193 KB)</td></tr>
 * </table>
 *
 * <p>Overall 14,468 bytes per input on average, 92 % of the inputs are small events of about 1 KB, and
 * the reports (8 % of the inputs) carry 93 % of the bytes. Events
 * go as CloudEvents 1.0 structured mode ({@code application/cloudevents+json}) carrying the CDEvent,
 * as {@code vigil publish event} sends them; reports as {@code application/json} with {@code
 * ?format=} and the context parameters, as {@code vigil publish <format>} sends them.
 *
 * <h2>Probes</h2>
 *
 * {@code probeFraction} of all inputs are marked {@link BenchInput#probe()}: they are drawn among the
 * small kinds only (BUILD, REVIEW, MERGE: one record each, about 1 KB, so their latency is the
 * pipeline's and not a 300 KB upload's) and go to the tenant's dedicated probe repository
 * {@link #probeScope(String)}, so one search per tenant finds them. The mix stays as above.
 *
 * <h2>Cost</h2>
 *
 * Report bodies are pre-rendered once per JVM (16 variants per report kind, chosen by repository,
 * as one image keeps roughly its findings from scan to scan) around the few values that change per
 * report (report id, time, commit, digest); {@link #next()} draws its decisions under a lock and
 * renders outside it. Ids are drawn from the seed: give each run against a long-lived cluster a new
 * seed, or ingest answers the repeats {@code 200 duplicate}.
 */
public final class Workload {

    /** Weights of the mix, per 100. */
    public static final Map<Mix, Integer> WEIGHTS = weights();

    static final int VARIANTS = 16;
    private static final String[] USERS = {
        "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
        "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki", "zoe", "amir", "bea", "chen"
    };
    private static final DateTimeFormatter WAZUH_TIME = DateTimeFormatter.ofPattern(
                    "yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final List<String> tenants;
    private final int repositories;
    private final double probeChance;
    private final Clock clock;
    private final SplittableRandom random;
    private final Map<String, Repo> repos = new HashMap<>();
    private final Mix[] table = new Mix[100];
    private final long alertBase;
    private long alerts;

    public Workload(long seed, List<String> tenants, int repositoriesPerTenant, double probeFraction) {
        this(seed, tenants, repositoriesPerTenant, probeFraction, Clock.systemUTC());
    }

    /** With the clock that stamps event times (tests pin it to compare runs byte for byte). */
    public Workload(long seed, List<String> tenants, int repositoriesPerTenant, double probeFraction, Clock clock) {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("at least one tenant");
        }
        if (repositoriesPerTenant < 1 || repositoriesPerTenant > 999) {
            throw new IllegalArgumentException("repositoriesPerTenant must be 1 to 999");
        }
        if (probeFraction < 0 || probeFraction > 1) {
            throw new IllegalArgumentException("probeFraction must be 0 to 1");
        }
        this.tenants = List.copyOf(tenants);
        this.repositories = repositoriesPerTenant;
        int small = WEIGHTS.get(Mix.BUILD) + WEIGHTS.get(Mix.REVIEW) + WEIGHTS.get(Mix.MERGE);
        this.probeChance = Math.min(1.0, probeFraction * 100.0 / small);
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.alertBase = 1_000_000L + random.nextInt(1_000_000_000);
        int i = 0;
        for (Map.Entry<Mix, Integer> e : WEIGHTS.entrySet()) {
            for (int k = 0; k < e.getValue(); k++) {
                table[i++] = e.getKey();
            }
        }
        Templates.get(); // render the report templates now, not on the first report
    }

    /** {@code n} inputs of the mix without probes, e.g. for the ceilings. */
    public static List<BenchInput> sample(long seed, List<String> tenants, int repositoriesPerTenant, int n) {
        Workload w = new Workload(seed, tenants, repositoriesPerTenant, 0);
        List<BenchInput> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(w.next());
        }
        return out;
    }

    /** The tenants the inputs are spread over. */
    public List<String> tenants() {
        return tenants;
    }

    /** The repository a tenant's probe inputs go to. */
    public static String probeScope(String tenant) {
        return "github.com/" + tenant + "/bench-probe";
    }

    /** The next input; thread-safe. The sequence is fixed by the seed (and the clock's readings). */
    public BenchInput next() {
        Plan plan;
        synchronized (this) {
            plan = plan();
        }
        return render(plan);
    }

    // ---------------------------------------------------------------- decisions (under the lock)

    /** Everything random about one input, drawn in a fixed order; rendering draws from {@code renderSeed}. */
    private record Plan(
            Mix mix,
            String tenant,
            Repo repo,
            boolean probe,
            Instant time,
            String id,
            long renderSeed,
            Map<String, String> v) {}

    private static final class Repo {
        final String tenant;
        final String name; // repo-017
        final int index;
        final boolean probe;
        final ArrayList<Change> open = new ArrayList<>();
        final ArrayDeque<String> toBuild = new ArrayDeque<>();
        /** sha → digest of successful builds, newest last. */
        final ArrayList<String[]> built = new ArrayList<>();

        int changes;
        int runs;
        int deploys;
        String tested; // commit whose test run passed, awaiting its image build

        Repo(String tenant, String name, int index, boolean probe) {
            this.tenant = tenant;
            this.name = name;
            this.index = index;
            this.probe = probe;
        }

        String path() {
            return tenant + "/" + name;
        }

        String scope() {
            return "github.com/" + path();
        }
    }

    private static final class Change {
        final int number;
        final String author;
        final String head;
        final String branch;
        boolean approved;

        Change(int number, String author, String head, String branch) {
            this.number = number;
            this.author = author;
            this.head = head;
            this.branch = branch;
        }
    }

    private Plan plan() {
        Mix mix = table[random.nextInt(100)];
        String tenant = tenants.get(random.nextInt(tenants.size()));
        boolean probe = (mix == Mix.BUILD || mix == Mix.REVIEW || mix == Mix.MERGE)
                && probeChance > 0
                && random.nextDouble() < probeChance;
        Repo repo;
        if (probe) {
            repo = repos.computeIfAbsent(tenant + "/bench-probe", k -> new Repo(tenant, "bench-probe", 0, true));
        } else {
            double u = random.nextDouble();
            int index = (int) (repositories * u * u);
            String name = String.format(Locale.ROOT, "repo-%03d", index);
            repo = repos.computeIfAbsent(tenant + "/" + name, k -> new Repo(tenant, name, index, false));
        }
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = uuid();
        Map<String, String> v = new HashMap<>();
        switch (mix) {
            case MERGE -> planMerge(repo, v);
            case REVIEW -> planReview(repo, v);
            case BUILD -> planBuild(repo, v);
            case DEPLOY -> planDeploy(repo, v);
            case SARIF -> {
                v.put("commit", repo.built.isEmpty() ? sha() : repo.built.getLast()[0]);
                v.put("results", String.valueOf(20 + random.nextInt(61)));
                v.put("driver", random.nextInt(2) == 0 ? "semgrep" : "codeql");
            }
            case TRIVY, CYCLONEDX -> {
                String[] image = repo.built.isEmpty() || random.nextInt(10) == 0
                        ? new String[] {sha(), digest()}
                        : repo.built.getLast();
                v.put("commit", image[0]);
                v.put("digest", image[1]);
            }
            case IDS -> {
                v.put("service", String.format(Locale.ROOT, "svc-%03d", repo.index));
                v.put("node", String.valueOf(1 + random.nextInt(6)));
                v.put("alertSeq", String.valueOf(alertBase + alerts++));
                v.put("rule", String.valueOf(random.nextInt(100)));
            }
        }
        return new Plan(mix, tenant, repo, probe, time, id, random.nextLong(), v);
    }

    private Change openChange(Repo repo) {
        repo.changes++;
        String author = user();
        Change c =
                new Change(repo.changes, author, sha(), "feature/" + author + "-" + Integer.toString(repo.changes, 36));
        repo.open.addLast(c);
        if (repo.open.size() > 20) {
            repo.open.removeFirst(); // abandoned
        }
        return c;
    }

    private void planMerge(Repo repo, Map<String, String> v) {
        // Usually the oldest approved change; sometimes one nobody approved (CM-01 fails).
        Change c = null;
        if (random.nextInt(100) >= 15) {
            for (Change o : repo.open) {
                if (o.approved) {
                    c = o;
                    break;
                }
            }
        }
        if (c == null) {
            c = repo.open.isEmpty() ? openChange(repo) : repo.open.getFirst();
        }
        repo.open.remove(c);
        String merge = sha();
        String merger = random.nextInt(4) == 0 ? c.author : otherUser(c.author);
        v.put("change", String.valueOf(c.number));
        v.put("author", c.author);
        v.put("head", c.head);
        v.put("merge", merge);
        v.put("sourceBranch", c.branch);
        v.put("actor", merger);
        repo.toBuild.addLast(merge);
        if (repo.toBuild.size() > 10) {
            repo.toBuild.removeFirst();
        }
    }

    private void planReview(Repo repo, Map<String, String> v) {
        Change c = repo.open.isEmpty() || random.nextInt(3) == 0
                ? openChange(repo)
                : repo.open.get(random.nextInt(repo.open.size()));
        int r = random.nextInt(100);
        String state = r < 85 ? "approved" : r < 95 ? "commented" : "changes_requested";
        String reviewer = random.nextInt(100) < 5 ? c.author : otherUser(c.author);
        if (state.equals("approved") && !reviewer.equals(c.author)) {
            c.approved = true;
        }
        v.put("change", String.valueOf(c.number));
        v.put("author", c.author);
        v.put("head", c.head);
        v.put("state", state);
        v.put("actor", reviewer);
        v.put("reviewId", String.valueOf(1_000_000 + random.nextInt(9_000_000)));
    }

    private void planBuild(Repo repo, Map<String, String> v) {
        repo.runs++;
        v.put("run", String.valueOf(100_000 + repo.index * 10_000L + repo.runs));
        v.put("actor", user());
        boolean success = random.nextInt(10) != 0;
        v.put("outcome", success ? "success" : "failure");
        if (repo.tested != null) {
            // the image build of the commit whose tests passed
            String sha = repo.tested;
            repo.tested = null;
            String digest = digest();
            v.put("event", "build");
            v.put("commit", sha);
            v.put("digest", digest);
            if (success) {
                repo.built.addLast(new String[] {sha, digest});
                if (repo.built.size() > 8) {
                    repo.built.removeFirst();
                }
            }
        } else {
            String sha = repo.toBuild.isEmpty() ? sha() : repo.toBuild.removeFirst();
            v.put("event", "pipelinerun");
            v.put("commit", sha);
            if (success) {
                repo.tested = sha;
            }
        }
    }

    private void planDeploy(Repo repo, Map<String, String> v) {
        repo.deploys++;
        String[] image = repo.built.isEmpty() || random.nextInt(10) == 0
                ? new String[] {sha(), digest()}
                : repo.built.get(random.nextInt(repo.built.size()));
        boolean production = random.nextInt(10) < 4;
        String actor = user();
        v.put("commit", image[0]);
        v.put("digest", image[1]);
        v.put("environment", production ? (random.nextInt(4) == 0 ? "prod-eu" : "production") : "staging");
        v.put("tier", production ? "production" : "staging");
        v.put("actor", actor);
        v.put("deployId", repo.name + "-" + repo.deploys);
        v.put("run", String.valueOf(900_000 + repo.index * 10_000L + repo.deploys));
        if (random.nextInt(100) < 85) {
            v.put("approvers", otherUser(actor));
        }
    }

    private String user() {
        return USERS[random.nextInt(USERS.length)];
    }

    private String otherUser(String not) {
        String u = user();
        return u.equals(not) ? USERS[(indexOf(u) + 1) % USERS.length] : u;
    }

    private static int indexOf(String user) {
        for (int i = 0; i < USERS.length; i++) {
            if (USERS[i].equals(user)) {
                return i;
            }
        }
        return 0;
    }

    private String uuid() {
        return new java.util.UUID(
                        (random.nextLong() & 0xffffffffffff0fffL) | 0x4000L,
                        (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L)
                .toString();
    }

    private String sha() {
        return hex(random, 40);
    }

    private String digest() {
        return hex(random, 64);
    }

    static String hex(SplittableRandom r, int digits) {
        char[] c = new char[digits];
        for (int i = 0; i < digits; i += 16) {
            long bits = r.nextLong();
            for (int k = 0; k < 16 && i + k < digits; k++) {
                c[i + k] = Character.forDigit((int) ((bits >>> (4 * k)) & 0xf), 16);
            }
        }
        return new String(c);
    }

    // ---------------------------------------------------------------- rendering (no lock)

    private BenchInput render(Plan p) {
        Repo repo = p.repo();
        Map<String, String> v = p.v();
        String ts = p.time().toString();
        return switch (p.mix()) {
            case MERGE ->
                event(p, Mix.MERGE, "change.merged", v.get("change"), mergeContent(repo), mergeCustom(repo, v));
            case REVIEW -> event(p, Mix.REVIEW, "change.reviewed", v.get("change"), repoContent(repo), reviewCustom(v));
            case BUILD -> build(p);
            case DEPLOY -> deploy(p);
            case SARIF -> {
                String q = "/v1/events?format=sarif&repository=" + repo.scope() + "&commit=" + v.get("commit")
                        + "&branch=main";
                byte[] body = Templates.get().sarif(p, ts);
                yield new BenchInput(p.tenant(), repo.scope(), Mix.SARIF, q, "application/json", body, false);
            }
            case TRIVY -> {
                String q = "/v1/events?format=trivy&repository=" + repo.scope() + "&commit=" + v.get("commit")
                        + "&digest=sha256:" + v.get("digest");
                byte[] body = Templates.get().trivy(repo.tenant, repo.name, repo.index, p.id(), ts, v.get("digest"));
                yield new BenchInput(p.tenant(), repo.scope(), Mix.TRIVY, q, "application/json", body, false);
            }
            case CYCLONEDX -> {
                String q = "/v1/events?format=cyclonedx&repository=" + repo.scope() + "&commit=" + v.get("commit")
                        + "&digest=sha256:" + v.get("digest");
                byte[] body =
                        Templates.get().cyclonedx(repo.tenant, repo.name, repo.index, p.id(), ts, v.get("digest"));
                yield new BenchInput(p.tenant(), repo.scope(), Mix.CYCLONEDX, q, "application/json", body, false);
            }
            case IDS -> {
                String service = v.get("service");
                String q = "/v1/events?format=wazuh&service=" + service;
                byte[] body = Templates.wazuh(p, service);
                yield new BenchInput(p.tenant(), service, Mix.IDS, q, "application/json", body, false);
            }
        };
    }

    private static String repoContent(Repo repo) {
        return "\"repository\":{\"id\":\"" + repo.path() + "\",\"source\":\"https://github.com\"}";
    }

    private static String mergeContent(Repo repo) {
        return repoContent(repo);
    }

    private static String mergeCustom(Repo repo, Map<String, String> v) {
        return "\"changeId\":\"" + v.get("change") + "\",\"commitSha\":\"" + v.get("merge")
                + "\",\"branch\":\"main\",\"actor\":\"" + v.get("actor") + "\",\"change.author\":\"" + v.get("author")
                + "\",\"change.head-sha\":\"" + v.get("head") + "\",\"change.merge-sha\":\"" + v.get("merge")
                + "\",\"change.source-branch\":\"" + v.get("sourceBranch")
                + "\",\"change.target-branch\":\"main\",\"change.merged-by\":\"" + v.get("actor")
                + "\",\"change.url\":\"https://github.com/" + repo.path() + "/pull/" + v.get("change") + "\"";
    }

    private static String reviewCustom(Map<String, String> v) {
        return "\"changeId\":\"" + v.get("change") + "\",\"commitSha\":\"" + v.get("head") + "\",\"actor\":\""
                + v.get("actor") + "\",\"change.author\":\"" + v.get("author") + "\",\"review\":{\"state\":\""
                + v.get("state") + "\",\"commit-sha\":\"" + v.get("head") + "\",\"id\":\"" + v.get("reviewId") + "\"}";
    }

    private BenchInput build(Plan p) {
        Repo repo = p.repo();
        Map<String, String> v = p.v();
        String runUrl = "https://github.com/" + repo.path() + "/actions/runs/" + v.get("run") + "/attempts/1";
        String custom = "\"commitSha\":\"" + v.get("commit") + "\",\"branch\":\"main\",\"actor\":\"" + v.get("actor")
                + "\",\"pipelineRunId\":\"" + v.get("run") + "\",\"pipeline.url\":\"" + runUrl
                + "\",\"pipeline.run-attempt\":\"1\"";
        if (v.get("event").equals("build")) {
            String content = "\"outcome\":\"" + v.get("outcome") + "\",\"artifactId\":\"pkg:oci/" + repo.name
                    + "@sha256%3A" + v.get("digest") + "\"," + repoContent(repo);
            return event(p, Mix.BUILD, "build.finished", v.get("run"), content, custom);
        }
        String content = "\"pipelineName\":\"ci\",\"uri\":\"" + runUrl + "\",\"outcome\":\"" + v.get("outcome") + "\","
                + repoContent(repo);
        return event(p, Mix.BUILD, "pipelinerun.finished", v.get("run"), content, custom);
    }

    private BenchInput deploy(Plan p) {
        Repo repo = p.repo();
        Map<String, String> v = p.v();
        String runUrl = "https://github.com/" + repo.path() + "/actions/runs/" + v.get("run") + "/attempts/1";
        String content = "\"environment\":{\"id\":\"" + v.get("environment") + "\",\"source\":\"https://github.com/"
                + repo.path() + "/deployments\"},\"artifactId\":\"pkg:oci/" + repo.name + "@sha256%3A"
                + v.get("digest") + "\"," + repoContent(repo);
        StringBuilder custom = new StringBuilder()
                .append("\"commitSha\":\"")
                .append(v.get("commit"))
                .append("\",\"branch\":\"main\",\"actor\":\"")
                .append(v.get("actor"))
                .append("\",\"pipelineRunId\":\"")
                .append(v.get("run"))
                .append("\",\"pipeline.url\":\"")
                .append(runUrl)
                .append("\",\"deploy.tier\":\"")
                .append(v.get("tier"))
                .append("\",\"deploy.id\":\"")
                .append(v.get("deployId"))
                .append("\",\"deploy.ref\":\"main\"");
        if (v.containsKey("approvers")) {
            custom.append(",\"deploy.approvers\":[\"")
                    .append(v.get("approvers"))
                    .append("\"]");
        }
        return event(p, Mix.DEPLOY, "service.deployed", repo.name, content, custom.toString());
    }

    /** A CDEvent (spec 0.5.1) in a CloudEvents 1.0 structured-mode envelope, as {@code vigil publish event} builds it. */
    private static BenchInput event(Plan p, Mix mix, String what, String subjectId, String content, String custom) {
        Repo repo = p.repo();
        String type = "dev.cdevents." + what + ".0.3.0";
        String source = "https://github.com/" + repo.path();
        String ts = p.time().toString();
        String json = "{\"specversion\":\"1.0\",\"id\":\"" + p.id() + "\",\"source\":\"" + source + "\",\"type\":\""
                + type + "\",\"subject\":\"" + subjectId + "\",\"time\":\"" + ts
                + "\",\"datacontenttype\":\"application/json\",\"data\":{\"context\":{\"specversion\":\"0.5.1\","
                + "\"id\":\"" + p.id() + "\",\"source\":\"" + source + "\",\"type\":\"" + type + "\",\"timestamp\":\""
                + ts + "\"},\"subject\":{\"id\":\"" + subjectId + "\",\"source\":\"" + source + "\",\"content\":{"
                + content + "}},\"customData\":{" + custom + "},\"customDataContentType\":\"application/json\"}}";
        return new BenchInput(
                p.tenant(),
                repo.scope(),
                mix,
                "/v1/events",
                "application/cloudevents+json",
                json.getBytes(StandardCharsets.UTF_8),
                p.probe());
    }

    private static Map<Mix, Integer> weights() {
        Map<Mix, Integer> w = new EnumMap<>(Mix.class);
        w.put(Mix.BUILD, 31);
        w.put(Mix.REVIEW, 22);
        w.put(Mix.MERGE, 18);
        w.put(Mix.IDS, 12);
        w.put(Mix.DEPLOY, 9);
        w.put(Mix.SARIF, 4);
        w.put(Mix.TRIVY, 2);
        w.put(Mix.CYCLONEDX, 2);
        return Collections.unmodifiableMap(w);
    }

    // ---------------------------------------------------------------- report templates

    /**
     * The report bodies, rendered once per JVM from {@code seeds.json} (excerpts of real Trivy,
     * Semgrep and CycloneDX outputs, see SOURCES.md next to it): per variant the big, stable part
     * (findings, components, rules) as one string; per report only the header is written.
     */
    static final class Templates {
        private static volatile Templates instance;

        private final String[] trivyVulnerabilities = new String[VARIANTS];
        private final String trivyHead;
        private final String trivyMetadataTail;
        private final String[] cdxBody = new String[VARIANTS];
        private final String cdxTools;
        private final String semgrepRules;
        private final String codeqlRules;
        private final String[] ruleIds;
        private final String[] results;

        static Templates get() {
            Templates t = instance;
            if (t == null) {
                synchronized (Templates.class) {
                    t = instance;
                    if (t == null) {
                        t = new Templates();
                        instance = t;
                    }
                }
            }
            return t;
        }

        private Templates() {
            ObjectMapper mapper = new ObjectMapper();
            JsonNode seeds;
            try (InputStream in = Workload.class.getResourceAsStream("seeds.json")) {
                if (in == null) {
                    throw new IllegalStateException("dev/vigil/cli/bench/seeds.json is missing from the classpath");
                }
                seeds = mapper.readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            SplittableRandom r = new SplittableRandom(0x5eed_7e57L);
            try {
                // Trivy
                trivyHead = "{\"SchemaVersion\":2,\"Trivy\":" + mapper.writeValueAsString(seeds.at("/trivy/Trivy"));
                ObjectNode md = (ObjectNode) seeds.get("trivyMetadata").deepCopy();
                md.put("Size", 48_234_496);
                md.putObject("OS").put("Family", "debian").put("Name", "12.5");
                md.remove("RepoTags");
                md.remove("RepoDigests");
                md.remove("Reference");
                md.remove("ImageID");
                String mdJson = mapper.writeValueAsString(md);
                trivyMetadataTail = mdJson.substring(1); // without '{': the per-report fields go first
                for (int k = 0; k < VARIANTS; k++) {
                    int count = 100
                            + (int) Math.round(400.0 * (k / (double) (VARIANTS - 1)) * (k / (double) (VARIANTS - 1)));
                    ArrayNode vulns = mapper.createArrayNode();
                    JsonNode seedVulns = seeds.get("trivyVulnerabilities");
                    for (int i = 0; i < count; i++) {
                        vulns.add(trivyVulnerability(mapper, seedVulns.get(i % seedVulns.size()), r));
                    }
                    trivyVulnerabilities[k] = mapper.writeValueAsString(vulns);
                }
                // CycloneDX
                cdxTools = mapper.writeValueAsString(seeds.at("/cyclonedx/metadata/tools"));
                for (int k = 0; k < VARIANTS; k++) {
                    int components = 100 + (int) Math.round(200.0 * k / (VARIANTS - 1));
                    int vulns = 5 + (int) Math.round(25.0 * k / (VARIANTS - 1));
                    cdxBody[k] = cyclonedxBody(mapper, seeds.get("cyclonedx"), components, vulns, r);
                }
                // SARIF
                JsonNode rules = seeds.get("sarifRules");
                ruleIds = new String[rules.size()];
                ArrayNode codeql = mapper.createArrayNode();
                String[] scores = {"9.8", "8.8", "7.5", "6.5", "5.3", "4.3", "3.1", "9.1", "7.2", "6.1", "5.9", "2.7"};
                for (int i = 0; i < rules.size(); i++) {
                    ruleIds[i] = rules.get(i).get("id").asText();
                    ObjectNode rule = (ObjectNode) rules.get(i).deepCopy();
                    ((ObjectNode) rule.get("properties")).put("security-severity", scores[i % scores.length]);
                    codeql.add(rule);
                }
                semgrepRules = mapper.writeValueAsString(rules);
                codeqlRules = mapper.writeValueAsString(codeql);
                JsonNode seedResults = seeds.get("sarifResults");
                results = new String[seedResults.size()];
                for (int i = 0; i < seedResults.size(); i++) {
                    // the message of a result, with its rule id; location and fingerprint are per report
                    ObjectNode res = mapper.createObjectNode();
                    res.put("ruleId", seedResults.get(i).get("ruleId").asText());
                    res.set("message", seedResults.get(i).get("message"));
                    results[i] = mapper.writeValueAsString(res);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static final String[] DEB_PACKAGES = {
            "libssl3",
            "openssl",
            "libc6",
            "libc-bin",
            "zlib1g",
            "libxml2",
            "libexpat1",
            "libsqlite3-0",
            "curl",
            "libcurl4",
            "libgnutls30",
            "libkrb5-3",
            "libgssapi-krb5-2",
            "perl-base",
            "libpcre2-8-0",
            "tar",
            "login",
            "passwd",
            "libsystemd0",
            "libudev1",
            "libtiff6",
            "libpng16-16",
            "libjpeg62-turbo",
            "libfreetype6",
            "libldap-2.5-0",
            "libnghttp2-14",
            "libssh2-1",
            "libgcrypt20",
            "libtasn1-6",
            "libpam0g",
            "ncurses-base",
            "libncursesw6",
            "bash",
            "coreutils",
            "util-linux",
            "libblkid1",
            "libmount1",
            "gpgv",
            "libzstd1",
            "liblzma5",
            "libdb5.3",
            "libgmp10",
            "libidn2-0",
            "libseccomp2",
            "libapt-pkg6.0",
            "apt",
            "dpkg",
            "libelf1",
            "libbz2-1.0",
            "libcap2"
        };

        private static ObjectNode trivyVulnerability(ObjectMapper mapper, JsonNode seed, SplittableRandom r) {
            ObjectNode v = seed.deepCopy();
            String cve = "CVE-" + (2016 + r.nextInt(10)) + "-" + (1000 + r.nextInt(49000));
            String pkg = DEB_PACKAGES[r.nextInt(DEB_PACKAGES.length)];
            String installed = (1 + r.nextInt(3)) + "." + r.nextInt(20) + "." + r.nextInt(30) + "-" + (1 + r.nextInt(9))
                    + "+deb12u" + r.nextInt(5);
            v.put("VulnerabilityID", cve);
            v.put("PkgID", pkg + "@" + installed);
            v.put("PkgName", pkg);
            ((ObjectNode) v.get("PkgIdentifier"))
                    .put("PURL", "pkg:deb/debian/" + pkg + "@" + installed + "?arch=amd64&distro=debian-12.5")
                    .put("UID", hex(r, 16));
            v.put("InstalledVersion", installed);
            if (r.nextInt(10) < 7) {
                v.put("FixedVersion", installed.replaceFirst("deb12u\\d", "deb12u" + (5 + r.nextInt(4))));
                v.put("Status", "fixed");
            } else {
                v.remove("FixedVersion");
                v.put("Status", "affected");
            }
            ((ObjectNode) v.get("Layer")).put("Digest", "sha256:" + hex(r, 64)).put("DiffID", "sha256:" + hex(r, 64));
            v.put("PrimaryURL", "https://avd.aquasec.com/nvd/" + cve.toLowerCase(Locale.ROOT));
            ((ObjectNode) v.get("DataSource"))
                    .put("ID", "debian")
                    .put("Name", "Debian Security Tracker")
                    .put("URL", "https://salsa.debian.org/security-tracker-team/security-tracker");
            v.put("Fingerprint", "sha256:" + hex(r, 64));
            int s = r.nextInt(100);
            v.put("Severity", s < 5 ? "CRITICAL" : s < 25 ? "HIGH" : s < 70 ? "MEDIUM" : "LOW");
            String description = v.path("Description").asText();
            if (description.length() > 240) {
                // a typical advisory's first sentences; the seeds' full texts would make 2 KB findings
                v.put("Description", description.substring(0, description.lastIndexOf(' ', 240)) + ".");
            }
            ObjectNode vendors = v.putObject("VendorSeverity");
            vendors.put("debian", 1 + r.nextInt(3));
            vendors.put("nvd", 1 + r.nextInt(4));
            ArrayNode refs = mapper.createArrayNode();
            refs.add("https://nvd.nist.gov/vuln/detail/" + cve);
            refs.add("https://security-tracker.debian.org/tracker/" + cve);
            v.set("References", refs);
            return v;
        }

        private static final String[][] LIBRARIES = {
            {"npm", "express"},
            {"npm", "lodash"},
            {"npm", "axios"},
            {"npm", "jsonwebtoken"},
            {"npm", "moment"},
            {"npm", "react"},
            {"npm", "react-dom"},
            {"npm", "minimist"},
            {"npm", "semver"},
            {"npm", "qs"},
            {"npm", "ws"},
            {"npm", "debug"},
            {"npm", "body-parser"},
            {"npm", "cookie"},
            {"npm", "uuid"},
            {"maven", "org.springframework/spring-core"},
            {"maven", "org.springframework/spring-web"},
            {"maven", "com.fasterxml.jackson.core/jackson-databind"},
            {"maven", "org.apache.logging.log4j/log4j-core"},
            {"maven", "org.yaml/snakeyaml"},
            {"maven", "io.netty/netty-codec-http"},
            {"maven", "com.google.guava/guava"},
            {"maven", "org.apache.commons/commons-text"},
            {"maven", "ch.qos.logback/logback-core"},
            {"pypi", "requests"},
            {"pypi", "urllib3"},
            {"pypi", "jinja2"},
            {"pypi", "pyyaml"},
            {"pypi", "cryptography"},
            {"pypi", "django"},
            {"pypi", "flask"},
            {"pypi", "werkzeug"},
            {"pypi", "certifi"},
            {"pypi", "idna"},
            {"deb", "debian/openssl"},
            {"deb", "debian/zlib1g"},
            {"deb", "debian/libc6"},
            {"deb", "debian/curl"}
        };

        private static String cyclonedxBody(
                ObjectMapper mapper, JsonNode seed, int componentCount, int vulnCount, SplittableRandom r)
                throws IOException {
            ArrayNode components = mapper.createArrayNode();
            List<String> refs = new ArrayList<>();
            for (int i = 0; i < componentCount; i++) {
                String[] lib = LIBRARIES[r.nextInt(LIBRARIES.length)];
                String name = lib[1] + (i < LIBRARIES.length ? "" : "-" + Integer.toString(i, 36));
                String version = r.nextInt(10) + "." + r.nextInt(30) + "." + r.nextInt(20);
                String purl = "pkg:" + lib[0] + "/" + name + "@" + version;
                ObjectNode c = components.addObject();
                c.put("bom-ref", purl);
                c.put("type", "library");
                int slash = name.indexOf('/');
                if (slash > 0) {
                    c.put("group", name.substring(0, slash));
                    c.put("name", name.substring(slash + 1));
                } else {
                    c.put("name", name);
                }
                c.put("version", version);
                c.putArray("licenses")
                        .addObject()
                        .putObject("license")
                        .put("id", r.nextInt(3) == 0 ? "Apache-2.0" : "MIT");
                c.put("purl", purl);
                c.putArray("hashes").addObject().put("alg", "SHA-256").put("content", hex(r, 64));
                ArrayNode props = c.putArray("properties");
                props.addObject().put("name", "aquasecurity:trivy:PkgID").put("value", name + "@" + version);
                props.addObject().put("name", "aquasecurity:trivy:PkgType").put("value", lib[0]);
                refs.add(purl);
            }
            ArrayNode vulns = mapper.createArrayNode();
            for (int i = 0; i < vulnCount; i++) {
                ObjectNode v = seed.get("vulnerability").deepCopy();
                String cve = "CVE-" + (2016 + r.nextInt(10)) + "-" + (1000 + r.nextInt(49000));
                v.put("id", cve);
                v.put("bom-ref", "vuln-" + i + "-" + cve);
                String ref = refs.get(r.nextInt(refs.size()));
                ArrayNode affects = v.putArray("affects");
                affects.addObject()
                        .put("ref", ref)
                        .putArray("versions")
                        .addObject()
                        .put("version", ref.substring(ref.lastIndexOf('@') + 1))
                        .put("status", "affected");
                vulns.add(v);
            }
            return "\"components\":" + mapper.writeValueAsString(components) + ",\"vulnerabilities\":"
                    + mapper.writeValueAsString(vulns);
        }

        byte[] trivy(String tenant, String repo, int repoIndex, String reportId, String ts, String digest) {
            String image = "ghcr.io/" + tenant + "/" + repo;
            String vulns = trivyVulnerabilities[Math.floorMod(repoIndex * 7 + tenant.hashCode(), VARIANTS)];
            StringBuilder sb = new StringBuilder(vulns.length() + 4096);
            sb.append(trivyHead)
                    .append(",\"ReportID\":\"")
                    .append(reportId)
                    .append("\",\"CreatedAt\":\"")
                    .append(ts)
                    .append("\",\"ArtifactID\":\"sha256:")
                    .append(digest)
                    .append("\",\"ArtifactName\":\"")
                    .append(image)
                    .append("@sha256:")
                    .append(digest)
                    .append("\",\"ArtifactType\":\"container_image\",\"Metadata\":{\"ImageID\":\"sha256:")
                    .append(digest)
                    .append("\",\"RepoTags\":[\"")
                    .append(image)
                    .append(":main\"],\"RepoDigests\":[\"")
                    .append(image)
                    .append("@sha256:")
                    .append(digest)
                    .append("\"],\"Reference\":\"")
                    .append(image)
                    .append("@sha256:")
                    .append(digest)
                    .append("\",")
                    .append(trivyMetadataTail)
                    .append(",\"Results\":[{\"Target\":\"")
                    .append(image)
                    .append(" (debian 12.5)\",\"Class\":\"os-pkgs\",\"Type\":\"debian\",\"Vulnerabilities\":")
                    .append(vulns)
                    .append("}]}");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        byte[] cyclonedx(String tenant, String repo, int repoIndex, String id, String ts, String digest) {
            String body = cdxBody[Math.floorMod(repoIndex * 5 + tenant.hashCode(), VARIANTS)];
            String purl = "pkg:oci/" + repo + "@sha256%3A" + digest + "?repository_url=ghcr.io/" + tenant + "/" + repo;
            StringBuilder sb = new StringBuilder(body.length() + 2048);
            sb.append("{\"$schema\":\"http://cyclonedx.org/schema/bom-1.6.schema.json\",\"bomFormat\":\"CycloneDX\",")
                    .append("\"specVersion\":\"1.6\",\"serialNumber\":\"urn:uuid:")
                    .append(id)
                    .append("\",\"version\":1,\"metadata\":{\"timestamp\":\"")
                    .append(ts)
                    .append("\",\"tools\":")
                    .append(cdxTools)
                    .append(",\"component\":{\"bom-ref\":\"")
                    .append(purl)
                    .append("\",\"type\":\"container\",\"name\":\"ghcr.io/")
                    .append(tenant)
                    .append('/')
                    .append(repo)
                    .append("\",\"purl\":\"")
                    .append(purl)
                    .append("\"}},")
                    .append(body)
                    .append('}');
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        private static final String[] PATHS = {
            "src/main/java/com/acme/web/OrderController.java",
            "src/main/java/com/acme/auth/TokenService.java",
            "routes/login.ts",
            "routes/search.ts",
            "lib/insecurity.ts",
            "server.ts",
            "app/models/user.py",
            "app/views/upload.py",
            "frontend/src/app/basket/basket.component.ts",
            "data/static/codefixes/fix.ts",
            "internal/api/handler.go",
            "cmd/server/main.go",
            "scripts/deploy.sh",
            "config/settings.py"
        };

        byte[] sarif(Plan p, String ts) {
            SplittableRandom r = new SplittableRandom(p.renderSeed());
            Map<String, String> v = p.v();
            boolean semgrep = v.get("driver").equals("semgrep");
            int n = Integer.parseInt(v.get("results"));
            StringBuilder sb = new StringBuilder(140_000);
            sb.append("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",")
                    .append("\"runs\":[{\"tool\":{\"driver\":{\"name\":\"")
                    .append(semgrep ? "Semgrep OSS" : "CodeQL")
                    .append("\",\"semanticVersion\":\"")
                    .append(semgrep ? "1.69.0" : "2.19.3")
                    .append("\",\"rules\":")
                    .append(semgrep ? semgrepRules : codeqlRules)
                    .append("}},\"results\":[");
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    sb.append(',');
                }
                String res = results[r.nextInt(results.length)];
                int line = 1 + r.nextInt(900);
                sb.append(res, 0, res.length() - 1)
                        .append(",\"level\":\"")
                        .append(r.nextInt(3) == 0 ? "error" : "warning")
                        .append("\",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"")
                        .append(PATHS[r.nextInt(PATHS.length)])
                        .append("\",\"uriBaseId\":\"%SRCROOT%\"},\"region\":{\"startLine\":")
                        .append(line)
                        .append(",\"startColumn\":")
                        .append(1 + r.nextInt(40))
                        .append(",\"endLine\":")
                        .append(line + r.nextInt(4))
                        .append(",\"endColumn\":")
                        .append(10 + r.nextInt(70))
                        .append("}}}],\"partialFingerprints\":{\"primaryLocationLineHash\":\"")
                        .append(hex(r, 16))
                        .append(":1\"}}");
            }
            sb.append("],\"invocations\":[{\"executionSuccessful\":true,\"endTimeUtc\":\"")
                    .append(ts)
                    .append("\"}],\"automationDetails\":{\"id\":\"")
                    .append(semgrep ? "semgrep" : "codeql/analyze")
                    .append('/')
                    .append(p.id())
                    .append("\"},\"versionControlProvenance\":[{\"repositoryUri\":\"https://")
                    .append(p.repo().scope())
                    .append("\",\"revisionId\":\"")
                    .append(v.get("commit"))
                    .append("\",\"branch\":\"main\"}]}]}");
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** Wazuh rules an estate commonly fires: id, level, description, groups, log line. */
        private static final String[][] WAZUH_RULES = {
            {
                "5710",
                "5",
                "sshd: Attempt to login using a non-existent user",
                "syslog\",\"sshd\",\"authentication_failed",
                "sshd[%d]: Invalid user admin from %s port %d"
            },
            {
                "5712",
                "10",
                "sshd: brute force trying to get access to the system. Non existent user.",
                "syslog\",\"sshd\",\"authentication_failures",
                "sshd[%d]: Invalid user oracle from %s port %d"
            },
            {
                "5402",
                "3",
                "Successful sudo to ROOT executed.",
                "syslog\",\"sudo",
                "sudo[%d]:   deploy : TTY=pts/0 ; PWD=/home/deploy ; USER=root ; COMMAND=/usr/bin/systemctl restart app; from %s port %d"
            },
            {
                "31101",
                "5",
                "Web server 400 error code.",
                "web\",\"accesslog\",\"attack",
                "nginx[%d]: %s - - \\\"GET /wp-login.php HTTP/1.1\\\" 404 153 port %d"
            },
            {
                "550",
                "7",
                "Integrity checksum changed.",
                "ossec\",\"syscheck\",\"syscheck_entry_modified",
                "ossec-syscheckd[%d]: File '/etc/passwd' modified by %s port %d"
            },
            {
                "40112",
                "12",
                "Multiple authentication failures followed by a success.",
                "authentication_success\",\"attack",
                "sshd[%d]: Accepted password for root from %s port %d ssh2"
            }
        };

        static byte[] wazuh(Plan p, String service) {
            Map<String, String> v = p.v();
            int pick = Integer.parseInt(v.get("rule"));
            // mostly noise, some brute force, a few level-12 alerts (IR-01's threshold)
            String[] rule =
                    WAZUH_RULES[pick < 30 ? 0 : pick < 50 ? 1 : pick < 70 ? 2 : pick < 88 ? 3 : pick < 97 ? 4 : 5];
            String node = service + "-node-" + v.get("node");
            long epoch = p.time().getEpochSecond();
            String ip = "10." + (pick % 250) + "." + v.get("node") + "." + (Long.parseLong(v.get("alertSeq")) % 250);
            String log = String.format(
                    Locale.ROOT, rule[4], 1000 + Long.parseLong(v.get("alertSeq")) % 60000, ip, 30000 + pick * 300);
            String ts = WAZUH_TIME.format(p.time());
            String json = "{\"timestamp\":\"" + ts + "\",\"rule\":{\"level\":" + rule[1] + ",\"description\":\""
                    + rule[2] + "\",\"id\":\"" + rule[0] + "\",\"mitre\":{\"id\":[\"T1110\"],\"tactic\":[\"Credential"
                    + " Access\"],\"technique\":[\"Brute Force\"]},\"firedtimes\":" + (1 + pick % 9)
                    + ",\"mail\":false,\"groups\":[\"" + rule[3] + "\"],\"gdpr\":[\"IV_35.7.d\",\"IV_32.2\"],"
                    + "\"hipaa\":[\"164.312.b\"],\"nist_800_53\":[\"SI.4\",\"AU.14\",\"AC.7\"],\"pci_dss\":"
                    + "[\"10.2.4\",\"10.2.5\"],\"tsc\":[\"CC6.1\",\"CC6.8\",\"CC7.2\",\"CC7.3\"]},\"agent\":{\"id\":\""
                    + String.format(Locale.ROOT, "%03d", Integer.parseInt(v.get("node"))) + "\",\"name\":\"" + node
                    + "\",\"ip\":\"10.20.0." + v.get("node") + "\"},\"manager\":{\"name\":\"wazuh-manager-"
                    + p.tenant() + "\"},\"id\":\"" + epoch + "." + v.get("alertSeq") + "\",\"cluster\":{\"name\":\""
                    + p.tenant() + "-wazuh\",\"node\":\"master\"},\"full_log\":\""
                    + p.time().toString().substring(0, 19)
                    + " " + node + " " + log + "\",\"predecoder\":{\"program_name\":\""
                    + log.substring(0, log.indexOf('['))
                    + "\",\"hostname\":\"" + node + "\"},\"decoder\":{\"name\":\"" + log.substring(0, log.indexOf('['))
                    + "\"},\"data\":{\"srcip\":\"" + ip + "\",\"srcport\":\"" + (30000 + pick * 300)
                    + "\"},\"location\":\"/var/log/auth.log\"}";
            return json.getBytes(StandardCharsets.UTF_8);
        }
    }
}
