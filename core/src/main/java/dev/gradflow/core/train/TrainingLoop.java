package dev.gradflow.core.train;

import dev.gradflow.core.data.LabelledData;
import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Training in process: the reference that a training job run through Kafka, one optimizer step per transaction,
 * must match bit for bit in float64.
 *
 * <p>For each epoch e of the plan, for each step s of the {@link BatchSchedule}: every batch b of the step is run
 * forward and backward with the parameters from before the step and batch seed {@code e · batchesPerEpoch + b}
 * (which only dropout reads); the batches' gradients are combined by {@link GradientMean} in batch order; and
 * {@link OptimizerStep#apply} makes the new parameters and optimizer state. Nothing else is random and nothing
 * depends on threads, so two runs give identical bits.
 */
public final class TrainingLoop {
    private TrainingLoop() {
    }

    /**
     * @param network the compiled network; its output must be the loss as a mean over the batch's rows (what
     *     every layer-list loss is), and its own parameter values are replaced by {@code initialParameters}
     * @param initialParameters Not modified: exactly the network's parameters
     * @param dataset Not modified: in the network's dtype
     * @param plan batch size, epochs, shuffling and accumulation
     * @param optimizer the update rule; its state starts at {@link OptimizerState#initial()}
     * @throws dev.gradflow.core.graph.DefinitionException when the batch size exceeds the data set
     * @throws dev.gradflow.core.tape.NonFiniteException when a pass or a step produces a NaN or an infinity
     */
    public static TrainingResult run(CompiledGraph network, Map<String, Tensor> initialParameters,
            LabelledData dataset, TrainingPlan plan, Optimizer optimizer) {
        BatchSchedule schedule = new BatchSchedule(plan, dataset.samples());
        Map<String, Tensor> parameters = initialParameters;
        CompiledGraph graph = network.withParameters(parameters);
        OptimizerState state = OptimizerState.initial();
        List<TrainingResult.Epoch> epochs = new ArrayList<>(plan.epochs());
        for (int epoch = 0; epoch < plan.epochs(); epoch++) {
            int[] order = schedule.order(epoch);
            GradientMean epochLoss = new GradientMean();
            long correct = 0;
            for (int step = 0; step < schedule.stepsPerEpoch(); step++) {
                GradientMean stepGradient = new GradientMean();
                for (int b = schedule.firstBatchOfStep(step); b < schedule.endBatchOfStep(step); b++) {
                    int[] rows = schedule.batchOf(order, b);
                    long batchSeed = (long) epoch * schedule.batchesPerEpoch() + b;
                    Batches.Outcome outcome = Batches.run(graph, dataset, rows, batchSeed);
                    stepGradient.add(rows.length, outcome.loss(), outcome.gradients());
                    epochLoss.add(rows.length, outcome.loss(), Map.of());
                    correct = outcome.correct() < 0 || correct < 0 ? -1 : correct + outcome.correct();
                }
                StepResult result = OptimizerStep.apply(optimizer, parameters, stepGradient.gradients(), state);
                parameters = result.parameters();
                state = result.state();
                graph = network.withParameters(parameters);
            }
            OptionalDouble accuracy = correct < 0 ? OptionalDouble.empty()
                    : OptionalDouble.of((double) correct / dataset.samples());
            epochs.add(new TrainingResult.Epoch(epoch, epochLoss.loss(), accuracy, state.iterations()));
        }
        return new TrainingResult(parameters, state, epochs);
    }
}
