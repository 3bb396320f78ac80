package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: each element is kept with probability {@code 1 − rate} and scaled by {@code 1/(1 − rate)}, or
 * zeroed. The mask (0 or {@code 1/(1 − rate)} per element) is drawn from a {@link SplittableRandom} seeded by the
 * definition's seed and the batch ({@link #forBatch}), and it is saved on the tape: the backward pass multiplies
 * the gradient by the recorded mask and never draws again, so a replayed tape gives the same gradients.
 *
 * @param rate the probability of dropping an element, in [0, 1)
 * @param seed the seed of the mask generator, already mixed with the batch's seed when on a tape
 */
public record Dropout(double rate, long seed) implements Op {
    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new AttributeException("rate", "must be in [0, 1), got " + rate);
        }
    }

    @Override
    public String name() {
        return "dropout";
    }

    @Override
    public int arity() {
        return 1;
    }

    /** The rate, then the 64-bit seed as two exact 32-bit halves (a double holds only 53 bits). */
    @Override
    public double[] attributes() {
        return new double[] {rate, seed >>> 32, seed & 0xffffffffL};
    }

    /** The seed from the two halves {@link #attributes()} records. */
    static long seedOf(double high, double low) {
        return ((long) high << 32) | ((long) low & 0xffffffffL);
    }

    @Override
    public Op forBatch(long batchSeed) {
        return new Dropout(rate, new SplittableRandom(seed ^ Long.rotateLeft(batchSeed, 17)).nextLong());
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor input = inputs[0];
        SplittableRandom random = new SplittableRandom(seed);
        double keep = 1 / (1 - rate);
        double[] mask = new double[input.size()];
        double[] a = input.readDoubles();
        double[] out = new double[a.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < rate ? 0 : keep;
            out[i] = a[i] * mask[i];
        }
        return Forward.of(Tensor.of(input.dtype(), input.shape(), out),
                Tensor.of(DType.FLOAT64, input.shape(), mask));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] mask = context.saved(0).readDoubles();
        double[] g = gradient.readDoubles();
        double[] result = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            result[i] = g[i] * mask[i];
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), gradient.shape(), result)};
    }
}
