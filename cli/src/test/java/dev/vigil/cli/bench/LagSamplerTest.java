package dev.vigil.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagSamplerTest {

    @Test
    void shouldTurnTwoSnapshotsIntoStageRates() {
        var a = new LagSampler.Snapshot(0, 100, 90, 80, 70, 20, 20, 60);
        var b = new LagSampler.Snapshot(2_000_000_000L, 300, 250, 260, 200, 40, 50, 180);
        assertThat(LagSampler.rates(a, b))
                .containsEntry("ingest", 100.0)
                .containsEntry("evaluate", 90.0)
                .containsEntry("chain", 80.0)
                .containsEntry("index", 65.0);
        assertThat(LagSampler.searchableRate(a, b)).isEqualTo(60.0);
        assertThat(b.backlog()).isEqualTo(90);
        assertThat(b.lag()).containsEntry("streams", 40L).containsEntry("indexer", 50L);
    }

    @Test
    void shouldLeaveOutWhatWasUnknown() {
        var a = new LagSampler.Snapshot(0, -1, 90, 80, 70, -1, 20, -1);
        var b = new LagSampler.Snapshot(1_000_000_000L, 300, 100, 90, 80, 10, 20, 10);
        assertThat(LagSampler.rates(a, b)).doesNotContainKey("ingest").containsEntry("chain", 10.0);
        assertThat(LagSampler.searchableRate(a, b)).isZero();
        assertThat(a.backlog()).isEqualTo(20);
    }
}
