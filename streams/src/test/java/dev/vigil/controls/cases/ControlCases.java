package dev.vigil.controls.cases;

import dev.vigil.schemas.VerdictResult;
import dev.vigil.streams.Inputs;
import dev.vigil.streams.TestEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * LOCAL COPY for the streams branch, with cases of the streams tests' {@link TestEngine}: the
 * controls module's test-jar provides the real {@code ControlCases.all()} (cases of the built-in
 * catalog) at merge, and this file is deleted.
 */
public final class ControlCases {

    private static final String SHOP = "github.com/acme/shop";
    private static final String SHA = "c0ffee".repeat(6) + "c0ff";
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    private ControlCases() {}

    public static List<ControlCase> all() {
        return List.of(
                new ControlCase(
                        "unreviewed merge fails the review control",
                        TestEngine.REVIEW,
                        VerdictResult.FAIL,
                        START,
                        List.of(new Step.Event(Inputs.mergedCommit(SHOP, "case1-merge", SHA, false)))),
                new ControlCase(
                        "merge without a SAST scan fails once the deadline passed",
                        TestEngine.SAST_SLA,
                        VerdictResult.FAIL,
                        START,
                        List.of(
                                new Step.Event(Inputs.mergedCommit(SHOP, "case2-merge", SHA, true)),
                                new Step.AdvanceTo(START.plus(Duration.ofMinutes(11))))),
                new ControlCase(
                        "SAST scan before the deadline passes and nothing fires later",
                        TestEngine.SAST_SLA,
                        VerdictResult.PASS,
                        START,
                        List.of(
                                new Step.Event(Inputs.mergedCommit(SHOP, "case3-merge", SHA, true)),
                                new Step.AdvanceTo(START.plus(Duration.ofMinutes(5))),
                                new Step.Scan(Inputs.sastOf(SHOP, "case3-scan", SHA)),
                                new Step.AdvanceTo(START.plus(Duration.ofHours(1))))));
    }
}
