package dev.vigil.controls;

import java.util.List;

/**
 * A versioned set of controls. Every verdict records the catalog version it was evaluated with.
 * The foundation ships the empty catalog: the streams topology already carries verdicts through
 * the trail, and the controls issue fills the catalog and its CEL evaluator.
 */
public record ControlCatalog(String version, List<Control> controls) {

    public ControlCatalog {
        controls = List.copyOf(controls);
    }

    public static ControlCatalog empty() {
        return new ControlCatalog("0", List.of());
    }
}
