package dev.vigil.controls;

import dev.vigil.controls.facts.AlertFact;
import dev.vigil.controls.facts.ApprovalFact;
import dev.vigil.controls.facts.ArtifactFact;
import dev.vigil.controls.facts.ChangeFact;
import dev.vigil.controls.facts.CommitFact;
import dev.vigil.controls.facts.DeadlineFact;
import dev.vigil.controls.facts.DeploymentFact;
import dev.vigil.controls.facts.EmergencyFact;
import dev.vigil.controls.facts.FindingFact;
import dev.vigil.controls.facts.IncidentFact;
import dev.vigil.controls.facts.LastResultFact;
import dev.vigil.controls.facts.RiskAcceptanceFact;
import dev.vigil.controls.facts.ScanPartsFact;
import dev.vigil.controls.facts.ViolationFact;
import dev.vigil.controls.state.Facet;
import java.time.Duration;
import java.util.List;

/** Every facet the engine keeps per subject; sizes and retention are explained in docs/controls-state.md. */
public final class Facets {

    private Facets() {}

    public static final Facet<CommitFact> COMMITS =
            new Facet<>("commits", CommitFact.class, Duration.ofDays(90), 5_000);
    public static final Facet<ChangeFact> CHANGES =
            new Facet<>("changes", ChangeFact.class, Duration.ofDays(90), 2_000);
    public static final Facet<ArtifactFact> ARTIFACTS =
            new Facet<>("artifacts", ArtifactFact.class, Duration.ofDays(180), 2_000);
    public static final Facet<DeploymentFact> DEPLOYMENTS =
            new Facet<>("deployments", DeploymentFact.class, Duration.ofDays(400), 100);
    public static final Facet<EmergencyFact> EMERGENCIES =
            new Facet<>("emergencies", EmergencyFact.class, Duration.ofDays(90), 500);
    public static final Facet<ApprovalFact> APPROVALS =
            new Facet<>("approvals", ApprovalFact.class, Duration.ofDays(90), 2_000);
    public static final Facet<FindingFact> FINDINGS =
            new Facet<>("findings", FindingFact.class, Duration.ofDays(400), 10_000);
    public static final Facet<AlertFact> ALERTS = new Facet<>("alerts", AlertFact.class, Duration.ofDays(30), 5_000);
    public static final Facet<IncidentFact> INCIDENTS =
            new Facet<>("incidents", IncidentFact.class, Duration.ofDays(400), 1_000);
    public static final Facet<ScanPartsFact> SCAN_PARTS =
            new Facet<>("scan-parts", ScanPartsFact.class, Duration.ofDays(2), 50);
    public static final Facet<ViolationFact> VIOLATIONS =
            new Facet<>("violations", ViolationFact.class, Duration.ofDays(800), 20_000);
    public static final Facet<RiskAcceptanceFact> RISK_ACCEPTANCES =
            new Facet<>("risk-acceptances", RiskAcceptanceFact.class, Duration.ofDays(400), 2_000);
    public static final Facet<LastResultFact> LAST_RESULTS =
            new Facet<>("last-results", LastResultFact.class, Duration.ofDays(400), 20_000);

    public static final Facet<DeadlineFact> DEADLINES =
            new Facet<>("deadlines", DeadlineFact.class, Duration.ofDays(400), 3_000);

    public static final List<Facet<?>> ALL = List.of(
            COMMITS,
            CHANGES,
            ARTIFACTS,
            DEPLOYMENTS,
            EMERGENCIES,
            APPROVALS,
            FINDINGS,
            ALERTS,
            INCIDENTS,
            SCAN_PARTS,
            VIOLATIONS,
            RISK_ACCEPTANCES,
            LAST_RESULTS,
            DEADLINES);
}
