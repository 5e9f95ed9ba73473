package dev.vigil.controls;

import dev.vigil.controls.facts.AlertFact;
import dev.vigil.controls.facts.ApprovalFact;
import dev.vigil.controls.facts.ArtifactFact;
import dev.vigil.controls.facts.ChangeFact;
import dev.vigil.controls.facts.CommitFact;
import dev.vigil.controls.facts.CompactFinding;
import dev.vigil.controls.facts.DeploymentFact;
import dev.vigil.controls.facts.EmergencyFact;
import dev.vigil.controls.facts.FindingFact;
import dev.vigil.controls.facts.IncidentFact;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field names each CEL variable's map carries (see {@link Views}). The views are maps, so CEL's
 * checker cannot see a misspelt field; the catalog loader checks the first field after each
 * variable against these names so that {@code commit.scnas} is refused at load, not an ERROR
 * verdict in production.
 */
final class ViewFields {

    private ViewFields() {}

    static final Set<String> SUBJECT = Set.of(
            "commitSha",
            "branch",
            "changeId",
            "artifactDigest",
            "artifactName",
            "environment",
            "pipelineRunId",
            "service");

    static final Map<String, Set<String>> VARIABLES = Map.of(
            "event",
            Set.of(
                    "id",
                    "kind",
                    "sourceType",
                    "format",
                    "source",
                    "sourceEventId",
                    "eventTime",
                    "receivedAt",
                    "outcome",
                    "deployed",
                    "actor",
                    "subject",
                    "attributes",
                    "evidenceSha256"),
            "scan",
            Set.of(
                    "id",
                    "category",
                    "tool",
                    "format",
                    "scannedAt",
                    "complete",
                    "subject",
                    "findings",
                    "summary",
                    "partIds",
                    "evidenceSha256"),
            "commit",
            fields(CommitFact.class),
            "change",
            fields(ChangeFact.class),
            "artifact",
            fields(ArtifactFact.class),
            "approval",
            fields(ApprovalFact.class),
            "state",
            Set.of("deployments", "findings", "alerts", "incidents", "emergencies", "pushes", "merges"),
            "item",
            union(
                    fields(DeploymentFact.class),
                    Set.of("artifact", "commit"),
                    fields(FindingFact.class),
                    fields(AlertFact.class),
                    fields(IncidentFact.class),
                    fields(EmergencyFact.class),
                    fields(CommitFact.class),
                    Set.of("headSha", "secretScan"),
                    fields(CompactFinding.class),
                    Set.of("open")));

    private static final Pattern REF = Pattern.compile(
            "(?<![\\w.'\"])(event|scan|commit|change|artifact|approval|state|item)\\.([A-Za-z_]\\w*)(?:\\.([A-Za-z_]\\w*))?");

    private static Set<String> fields(Class<? extends Record> type) {
        Set<String> out = new TreeSet<>();
        Arrays.stream(type.getRecordComponents()).forEach(c -> out.add(c.getName()));
        return out;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> out = new TreeSet<>();
        for (Set<String> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    /** The first unknown field reference in the expression, as a message, if any. */
    static Optional<String> unknownField(String expression) {
        Matcher m = REF.matcher(expression);
        while (m.find()) {
            String variable = m.group(1);
            String field = m.group(2);
            Set<String> known = VARIABLES.get(variable);
            if (!known.contains(field)) {
                return Optional.of("unknown field '" + variable + "." + field + "' (known: "
                        + String.join(", ", new TreeSet<>(known)) + ")");
            }
            if (field.equals("subject")
                    && (variable.equals("event") || variable.equals("scan"))
                    && m.group(3) != null
                    && !SUBJECT.contains(m.group(3))) {
                return Optional.of("unknown field '" + variable + ".subject." + m.group(3) + "' (known: "
                        + String.join(", ", new TreeSet<>(SUBJECT)) + ")");
            }
        }
        return Optional.empty();
    }
}
