package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** {@code −a}. ∂/∂a = −1. */
public record Neg() implements Op {
    @Override
    public String name() {
        return "neg";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor output = switch (a.dtype()) {
            case FLOAT64 -> {
                double[] xs = a.doubles();
                double[] out = new double[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = -x;
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = (float) (-x);
                }
                yield Tensor.ofFloats(a.shape(), out);
            }
        };
        return Forward.of(output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor result = switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[] gs = gradient.doubles();
                double[] out = new double[gs.length];
                for (int i = 0; i < out.length; i++) {
                    double g = gs[i];
                    out[i] = -g;
                }
                yield Tensor.ofDoubles(gradient.shape(), out);
            }
            case FLOAT32 -> {
                float[] gs = gradient.floats();
                float[] out = new float[gs.length];
                for (int i = 0; i < out.length; i++) {
                    double g = gs[i];
                    out[i] = (float) (-g);
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
        return new Tensor[] {result};
    }

    /** {@code −t} elementwise, as a new tensor of t's dtype (negation is exact). t: Not modified. */
    static Tensor negate(Tensor t) {
        return new Neg().forward(new Tensor[] {t}).output();
    }

    @Override
    public String chainRule(int input) {
        return "−G";
    }
}
