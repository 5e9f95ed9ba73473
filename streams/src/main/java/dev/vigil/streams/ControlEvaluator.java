package dev.vigil.streams;

import dev.vigil.schemas.PipelineEvent;
import dev.vigil.schemas.ScanResult;
import dev.vigil.schemas.VerdictSummary;
import java.util.List;

/**
 * The seam where control evaluation plugs into the topology: each input's verdicts travel in its
 * audit record. The walking skeleton evaluates nothing ({@link #none()}); the controls issue
 * supplies an evaluator over the catalog and the subject's state.
 */
public interface ControlEvaluator {

    /** The controls evaluated for one input, and the catalog version they came from (null if none). */
    record Evaluation(String catalogVersion, List<VerdictSummary> verdicts) {

        public static final Evaluation NONE = new Evaluation(null, List.of());

        public Evaluation {
            verdicts = List.copyOf(verdicts);
        }
    }

    Evaluation evaluate(PipelineEvent event);

    Evaluation evaluate(ScanResult scan);

    /** Evaluates no control: records carry no verdicts and no catalog version, never invented ones. */
    static ControlEvaluator none() {
        return new ControlEvaluator() {
            @Override
            public Evaluation evaluate(PipelineEvent event) {
                return Evaluation.NONE;
            }

            @Override
            public Evaluation evaluate(ScanResult scan) {
                return Evaluation.NONE;
            }
        };
    }
}
