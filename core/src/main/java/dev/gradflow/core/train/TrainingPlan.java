package dev.gradflow.core.train;

import dev.gradflow.core.data.LegacyRandom;
import dev.gradflow.core.graph.DefinitionException;

/**
 * How a training job walks its data set: in batches of {@code batchSize} rows, for {@code epochs} passes, each pass
 * in row order or (with {@code shuffle}) in a permutation drawn from {@code shuffleSeed} and the epoch, one optimizer
 * step per {@code accumulate} consecutive batches. The batches themselves are {@link BatchSchedule}'s; how the
 * gradients of accumulated batches combine is {@link GradientMean}'s.
 *
 * @param batchSize rows per batch, in [1, {@link #MAX_BATCH_SIZE}]; the last batch of an epoch may be smaller, and a
 *     data set's own size caps it further ({@link #checkFits(int)})
 * @param epochs passes over the data set, in [1, {@link #MAX_EPOCHS}]
 * @param shuffle whether each epoch visits the rows in a fresh permutation rather than in order
 * @param shuffleSeed in [0, 2³²), the seed range of NumPy's legacy generator; ignored without shuffle
 * @param accumulate micro-batches whose gradients make one step, in [1, {@link #MAX_ACCUMULATE}]; 1 is a step per
 *     batch
 */
public record TrainingPlan(int batchSize, int epochs, boolean shuffle, long shuffleSeed, int accumulate) {
    /** Where a plan sits in a job's definition, for error messages. */
    public static final String ROOT = "training";
    public static final int MAX_BATCH_SIZE = 1 << 20;
    public static final int MAX_EPOCHS = 1_000_000;
    public static final int MAX_ACCUMULATE = 1 << 16;

    /**
     * @throws DefinitionException naming the field ({@code training.batchSize}) and its allowed range
     */
    public TrainingPlan {
        requireBetween("batchSize", batchSize, 1, MAX_BATCH_SIZE);
        requireBetween("epochs", epochs, 1, MAX_EPOCHS);
        requireBetween("shuffleSeed", shuffleSeed, 0, LegacyRandom.MAX_SEED);
        requireBetween("accumulate", accumulate, 1, MAX_ACCUMULATE);
    }

    /** Batches in row order, a step per batch. */
    public static TrainingPlan inOrder(int batchSize, int epochs) {
        return new TrainingPlan(batchSize, epochs, false, 0, 1);
    }

    /**
     * A batch larger than the data set would only be the data set again under another name; rejecting it keeps
     * "full batch" spelled one way, {@code batchSize = samples}.
     *
     * @throws DefinitionException naming {@code training.batchSize} when it exceeds {@code samples}
     */
    public void checkFits(int samples) {
        requireBetween("batchSize", batchSize, 1, samples);
    }

    private static void requireBetween(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new DefinitionException(ROOT + "." + field, "must be between " + min + " and " + max + ", got "
                    + value);
        }
    }
}
