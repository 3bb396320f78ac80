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
        Tensor output = inputs[0].map(a -> a > 0 ? a : 0);
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] out = context.saved(0).data();
        double[] g = gradient.data();
        double[] result = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            result[i] = out[i] > 0 ? g[i] : 0;
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), gradient.shape(), result)};
    }
}
