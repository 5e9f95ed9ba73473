package dev.vigil.controls;

/** Factories for the {@link ControlEngine}. */
public final class ControlEngines {

    private ControlEngines() {}

    /** The CEL-evaluating engine over the catalog's controls. */
    public static ControlEngine of(ControlCatalog catalog) {
        return new CatalogEngine(catalog);
    }
}
