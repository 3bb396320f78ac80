package dev.gradflow.core.train;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.Classification;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.Tensor;
import java.util.Map;

/** What the training loop and the full gradient share: running one batch of a data set through the engine. */
final class Batches {
    private Batches() {
    }

    /**
     * One batch through the engine.
     *
     * @param loss the batch's loss, the network's output
     * @param gradients the gradient of that loss per parameter
     * @param correct rows whose most probable class is the target class, or −1 when the network's loss is not a
     *     categorical one
     */
    record Outcome(double loss, Map<String, Tensor> gradients, int correct) {
    }

    /** The forward and backward passes of {@code graph} on the given rows of {@code data}. */
    static Outcome run(CompiledGraph graph, LabelledData data, int[] rows, long batchSeed) {
        LabelledData batch = data.rows(rows);
        Tape tape = ForwardPass.record(graph, batch.feeds(), batchSeed);
        GradientSet gradients = BackwardPass.run(tape);
        return new Outcome(gradients.output().item(), gradients.parameters(), Classification.correct(tape));
    }
}
