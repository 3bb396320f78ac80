package dev.gradflow.core.train;

import dev.gradflow.core.data.LegacyRandom;
import java.util.Arrays;

/**
 * Which rows of a data set form each batch, as a pure function of the plan, the data set's size, the epoch and the
 * batch number, so that a distributed job can compute "batch i of epoch e" without replaying the ones before it.
 *
 * <p><b>Order.</b> Epochs are numbered from 0. Without shuffle every epoch visits the rows 0, 1, …, N − 1. With
 * shuffle, epoch e visits the permutation that NumPy's legacy generator gives for
 * {@code np.random.RandomState((shuffleSeed + e · 0x9E3779B9) % 2**32).permutation(N)}: the odd multiplier (2³²
 * divided by the golden ratio) keeps the seeds of nearby (seed, epoch) pairs apart, so seed 1 epoch 0 does not
 * replay seed 0 epoch 1. The permutation is NumPy's legacy Fisher–Yates: start from 0…N−1, and for i = N − 1 down to
 * 1 swap element i with element j, where j is a 32-bit output masked to the smallest all-ones mask ≥ i, redrawn
 * until j ≤ i.
 *
 * <p><b>Batches.</b> Batch b of an epoch holds the rows at positions [b·B, min((b + 1)·B, N)) of that order, so an
 * epoch has ⌈N / B⌉ batches and only the last may be smaller. <b>Steps.</b> With {@code accumulate} K, step s of an
 * epoch combines batches sK … min(sK + K, batches) − 1; a step never spans two epochs, so the last step of an epoch
 * may combine fewer than K batches.
 */
public final class BatchSchedule {
    /** ⌊2³² / φ⌋, odd: the per-epoch increment of the shuffle seed. */
    static final long EPOCH_SEED_STRIDE = 0x9E37_79B9L;

    private final int samples;
    private final TrainingPlan plan;

    /**
     * @throws dev.gradflow.core.graph.DefinitionException when the batch size exceeds {@code samples}
     */
    public BatchSchedule(TrainingPlan plan, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("a data set needs at least one row, got " + samples);
        }
        plan.checkFits(samples);
        this.plan = plan;
        this.samples = samples;
    }

    public int samples() {
        return samples;
    }

    public TrainingPlan plan() {
        return plan;
    }

    /** ⌈N / B⌉. */
    public int batchesPerEpoch() {
        return (samples + plan.batchSize() - 1) / plan.batchSize();
    }

    /** ⌈batches / K⌉. */
    public int stepsPerEpoch() {
        return (batchesPerEpoch() + plan.accumulate() - 1) / plan.accumulate();
    }

    /** The batches that step {@code step} of an epoch combines: [first, end). */
    public int firstBatchOfStep(int step) {
        checkIndex("step", step, stepsPerEpoch());
        return step * plan.accumulate();
    }

    /** One past the last batch that step {@code step} of an epoch combines. */
    public int endBatchOfStep(int step) {
        return Math.min(firstBatchOfStep(step) + plan.accumulate(), batchesPerEpoch());
    }

    /** The order in which epoch {@code epoch} visits the rows: a permutation of 0 … N − 1. */
    public int[] order(int epoch) {
        checkIndex("epoch", epoch, plan.epochs());
        int[] order = new int[samples];
        for (int i = 0; i < samples; i++) {
            order[i] = i;
        }
        if (plan.shuffle()) {
            legacyShuffle(order, new LegacyRandom(epochSeed(plan.shuffleSeed(), epoch)));
        }
        return order;
    }

    /** The rows of batch {@code batch} of epoch {@code epoch}, in the order they are stacked into the batch. */
    public int[] batch(int epoch, int batch) {
        return batchOf(order(epoch), batch);
    }

    /** Batch {@code batch} of an epoch whose {@link #order} is {@code order}: the loop draws the order once. */
    public int[] batchOf(int[] order, int batch) {
        checkIndex("batch", batch, batchesPerEpoch());
        int from = batch * plan.batchSize();
        return Arrays.copyOfRange(order, from, Math.min(from + plan.batchSize(), samples));
    }

    /** The seed of epoch {@code epoch}'s permutation: {@code (shuffleSeed + epoch · 0x9E3779B9) mod 2³²}. */
    static long epochSeed(long shuffleSeed, int epoch) {
        return (shuffleSeed + epoch * EPOCH_SEED_STRIDE) & LegacyRandom.MAX_SEED;
    }

    /** NumPy's legacy {@code RandomState.shuffle} of a 1-D array ({@code _shuffle_raw} with {@code random_interval}). */
    static void legacyShuffle(int[] values, LegacyRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = interval(i, random);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    /** NumPy's {@code random_interval(max)} for max < 2³¹: a uniform draw from [0, max] by masking and rejection. */
    private static int interval(int max, LegacyRandom random) {
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = random.nextUint32() & mask;
        } while (value > max);
        return (int) value;
    }

    private static void checkIndex(String what, int index, int count) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(what + " " + index + " is not in [0, " + count + ")");
        }
    }
}
