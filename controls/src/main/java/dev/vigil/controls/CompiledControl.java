package dev.vigil.controls;

import dev.cel.runtime.CelRuntime;

/** A control with its CEL expressions compiled once, at catalog load. Null programs are absent expressions. */
record CompiledControl(
        Control control,
        CelRuntime.Program forEach,
        CelRuntime.Program subjectKey,
        CelRuntime.Program applicable,
        CelRuntime.Program pending,
        CelRuntime.Program deadline,
        CelRuntime.Program condition) {}
