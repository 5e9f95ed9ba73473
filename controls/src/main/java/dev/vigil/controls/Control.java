package dev.vigil.controls;

import dev.vigil.schemas.Severity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A control as data, as written in a catalog YAML file: what it requires, which framework
 * requirements it evidences ({@code SOC2:CC8.1}, {@code GDPR:Art.32}), which inputs it applies to
 * (PipelineEventKind names, {@code scan:<CATEGORY>}, {@code timer}), its parameters with their
 * defaults, and CEL expressions:
 *
 * <ul>
 *   <li>{@code forEach} (optional): a list of items (open findings, production deployments,
 *       alerts ...) each judged on its own with {@code item} bound; without it the control judges
 *       the input itself;
 *   <li>{@code subjectKey}: what within the scope passes or fails ({@code commit:<sha>} ...), the
 *       violation's identity;
 *   <li>{@code applicable} (optional, default true): false gives NOT_APPLICABLE with {@code
 *       notApplicableReason};
 *   <li>{@code pending} (optional): true means "not decidable yet" (a deadline has not passed and
 *       the evidence has not arrived): no verdict;
 *   <li>{@code deadline} (optional): when the item must next be looked at (a timestamp or null);
 *       the engine's wake-up;
 *   <li>{@code condition}: true = PASS, false = FAIL.
 * </ul>
 *
 * {@code source} is where the effective definition came from ({@code file:line}).
 */
public record Control(
        String id,
        String title,
        String rationale,
        List<String> requirements,
        Severity severity,
        List<String> appliesTo,
        Map<String, Object> parameters,
        String forEach,
        String subjectKey,
        String applicable,
        String notApplicableReason,
        String pending,
        String deadline,
        String condition,
        String passReason,
        String failReason,
        String source) {

    public Control {
        Objects.requireNonNull(id, "id");
        requirements = List.copyOf(requirements);
        appliesTo = List.copyOf(appliesTo);
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public boolean appliesTo(String trigger) {
        return appliesTo.contains(trigger);
    }

    /** SOC 2 criteria without the framework prefix, e.g. {@code CC8.1}. */
    public List<String> requirementsOf(String framework) {
        String prefix = framework + ":";
        return requirements.stream()
                .filter(r -> r.startsWith(prefix))
                .map(r -> r.substring(prefix.length()))
                .toList();
    }
}
