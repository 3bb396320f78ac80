package dev.gradflow.core.train;

import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * What a training run ends with.
 *
 * @param parameters every parameter after the last step, by name
 * @param state the optimizer's state after the last step, to resume from or compare with a pipeline's
 * @param epochs one summary per epoch, in order
 */
public record TrainingResult(Map<String, Tensor> parameters, OptimizerState state, List<Epoch> epochs) {
    public TrainingResult {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        epochs = List.copyOf(epochs);
    }

    /** The last epoch's summary. */
    public Epoch lastEpoch() {
        return epochs.get(epochs.size() - 1);
    }

    /**
     * One epoch, as the book reports it: measured on the forward passes that produced the epoch's gradients, so
     * each batch is scored with the parameters from before its own step.
     *
     * @param epoch numbered from 0
     * @param meanLoss {@code Σ n_b · loss_b / N} over the epoch's batches
     * @param accuracy the fraction of rows whose most probable class is the target class, for a network whose
     *     loss is softmax-cross-entropy or categorical-cross-entropy; empty otherwise
     * @param steps optimizer steps taken since the start of the run, this epoch's included
     */
    public record Epoch(int epoch, double meanLoss, OptionalDouble accuracy, long steps) {
    }
}
