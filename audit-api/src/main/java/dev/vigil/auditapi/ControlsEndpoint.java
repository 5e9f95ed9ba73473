package dev.vigil.auditapi;

import dev.vigil.controls.Control;
import dev.vigil.controls.ControlCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/controls}: the control catalog the API describes verdicts with. It is the
 * built-in catalog ({@link ControlCatalog#builtIn()}); a deployment's own catalog files
 * ({@code vigil.controls.files}, read by the streams app) are not read here. Controls are not
 * tenant data: every tenant sees the same list.
 */
final class ControlsEndpoint {

    static final String PATH = "/v1/controls";

    private final ControlCatalog catalog;
    private final Map<String, Object> body;

    ControlsEndpoint(ControlCatalog catalog) {
        this.catalog = catalog;
        List<Map<String, Object>> controls = new ArrayList<>();
        for (Control c : catalog.controls()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("control_id", c.id());
            json.put("title", c.title());
            json.put("description", c.rationale() == null ? null : c.rationale().strip());
            json.put("severity", c.severity() == null ? null : c.severity().name());
            json.put("requirements", c.requirements());
            json.put("frameworks", frameworks(c));
            controls.add(json);
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("catalog_version", catalog.version());
        b.put("controls", List.copyOf(controls));
        this.body = java.util.Collections.unmodifiableMap(b);
    }

    /** The built-in catalog, loaded (and its expressions compiled) once per JVM. */
    static ControlCatalog builtIn() {
        return BuiltIn.CATALOG;
    }

    private static final class BuiltIn {
        static final ControlCatalog CATALOG = ControlCatalog.builtIn();
    }

    /** Ids of the built-in controls with a requirement that {@code requirement} accepts. */
    static List<String> controlsWith(java.util.function.Predicate<String> requirement) {
        return builtIn().controls().stream()
                .filter(c -> c.requirements().stream().anyMatch(requirement))
                .map(Control::id)
                .toList();
    }

    ControlCatalog catalog() {
        return catalog;
    }

    Map<String, Object> body() {
        return body;
    }

    /** The frameworks a control evidences, in the catalog's order of its requirements. */
    static List<String> frameworks(Control c) {
        return c.requirements().stream()
                .map(r -> r.substring(0, Math.max(0, r.indexOf(':'))))
                .filter(f -> !f.isEmpty())
                .distinct()
                .toList();
    }

    static boolean inFramework(Control c, String framework) {
        return framework == null || c.requirements().stream().anyMatch(r -> r.startsWith(framework + ":"));
    }
}
