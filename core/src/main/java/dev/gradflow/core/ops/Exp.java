package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** {@code e^a} elementwise. ∂/∂a = e^a, which is the output, so the output is what gets saved. */
public record Exp() implements Op {
    @Override
    public String name() {
        return "exp";
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
        Tensor output = inputs[0].map(Math::exp);
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] out = context.saved(0).data();
        double[] g = gradient.data();
        double[] result = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            result[i] = g[i] * out[i];
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), gradient.shape(), result)};
    }
}
