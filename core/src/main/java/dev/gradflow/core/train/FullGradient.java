package dev.gradflow.core.train;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mean loss over a whole data set and its gradient per parameter (a job's {@code mode: "gradient"}), computed
 * batch by batch so that no batch exceeds {@code batchSize} rows: the batches of an unshuffled
 * {@link BatchSchedule} (rows 0 … N − 1 in order), their gradients combined by {@link GradientMean} in batch order.
 * Batch b is recorded with batch seed b, so a network with dropout draws the masks a one-epoch loop would.
 *
 * @param loss the mean loss over every row
 * @param gradients its gradient, per parameter, in the parameters' dtype
 */
public record FullGradient(double loss, Map<String, Tensor> gradients) {
    public FullGradient {
        gradients = Collections.unmodifiableMap(new LinkedHashMap<>(gradients));
    }

    /**
     * @param network the compiled network; its own parameter values are replaced by {@code parameters}
     * @param parameters Not modified: exactly the network's parameters
     * @param dataset Not modified: in the network's dtype
     * @param batchSize rows per batch, in [1, N]; the gradient does not depend on it beyond rounding
     */
    public static FullGradient of(CompiledGraph network, Map<String, Tensor> parameters, LabelledData dataset,
            int batchSize) {
        CompiledGraph graph = network.withParameters(parameters);
        BatchSchedule schedule = new BatchSchedule(TrainingPlan.inOrder(batchSize, 1), dataset.samples());
        int[] order = schedule.order(0);
        GradientMean mean = new GradientMean();
        for (int b = 0; b < schedule.batchesPerEpoch(); b++) {
            int[] rows = schedule.batchOf(order, b);
            Batches.Outcome outcome = Batches.run(graph, dataset, rows, b);
            mean.add(rows.length, outcome.loss(), outcome.gradients());
        }
        return new FullGradient(mean.loss(), mean.gradients());
    }
}
