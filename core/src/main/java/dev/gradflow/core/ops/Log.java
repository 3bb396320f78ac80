package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** Natural logarithm elementwise. ∂/∂a = 1/a. Saves the input. */
public record Log() implements Op {
    @Override
    public String name() {
        return "log";
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
        return Forward.of(inputs[0].map(Math::log), inputs[0]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] a = context.saved(0).data();
        double[] g = gradient.data();
        double[] result = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            result[i] = g[i] / a[i];
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), gradient.shape(), result)};
    }
}
