package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * {@code max(a, 0)} elementwise. ReLU′(a) = 1(a > 0), so ReLU′(0) = 0. Saves its output, which is positive exactly
 * where the input is.
 */
public record Relu() implements Op {
    @Override
    public String name() {
        return "relu";
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
                    out[i] = PositiveGate.positivePart(xs[i]);
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = PositiveGate.positivePart(xs[i]);
                }
                yield Tensor.ofFloats(a.shape(), out);
            }
        };
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[] gs = gradient.doubles();
                double[] ss = saved.doubles();
                double[] out = new double[gs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = PositiveGate.pass(gs[i], ss[i]);
                }
                yield Tensor.ofDoubles(gradient.shape(), out);
            }
            case FLOAT32 -> {
                float[] gs = gradient.floats();
                float[] ss = saved.floats();
                float[] out = new float[gs.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = PositiveGate.pass(gs[i], ss[i]);
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
        return new Tensor[] {result};
    }

    @Override
    public String chainRule(int input) {
        return "G ⊙ [y > 0]";
    }
}
