package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The loops of the simple elementwise ops ({@code abs}, {@code exp}, {@code log}, {@code sqrt}, {@code clip},
 * {@code pow}), so that each op's file is its forward and backward formula. Each element is computed in float64
 * and, for a float32 tensor, rounded once, as everywhere in the engine.
 *
 * <p>The formula is a lambda, so each element costs a call that this shared loop cannot inline for every op. That
 * is fine for these ops, which no benchmark network runs per element; the hot activations ({@code relu},
 * {@code sigmoid}, {@code tanh}, the fused {@code dense}) keep loops of their own.
 */
final class Elementwise {
    private Elementwise() {
    }

    /** {@code f(x)} for every element x of {@code a}, in a's dtype and shape. Not modified: a. */
    static Tensor map(Tensor a, DoubleUnaryOperator f) {
        return switch (a.dtype()) {
            case FLOAT64 -> {
                double[] xs = a.doubles();
                double[] out = new double[xs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = f.applyAsDouble(xs[i]);
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) f.applyAsDouble(xs[i]);
                }
                yield Tensor.ofFloats(a.shape(), out);
            }
        };
    }

    /**
     * {@code f(g, s)} for every element g of {@code gradient} and s of {@code saved} at the same position (the same
     * shape), in the gradient's dtype and shape. Not modified: gradient, saved.
     */
    static Tensor combine(Tensor gradient, Tensor saved, DoubleBinaryOperator f) {
        return switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[] gs = gradient.doubles();
                double[] ss = saved.doubles();
                double[] out = new double[gs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = f.applyAsDouble(gs[i], ss[i]);
                }
                yield Tensor.ofDoubles(gradient.shape(), out);
            }
            case FLOAT32 -> {
                float[] gs = gradient.floats();
                float[] ss = saved.floats();
                float[] out = new float[gs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) f.applyAsDouble(gs[i], ss[i]);
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
    }
}
