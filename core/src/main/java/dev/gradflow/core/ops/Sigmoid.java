package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Tensor;

/**
 * The logistic function σ(a) = 1/(1 + e^−a) elementwise, evaluated without overflow for large |a|.
 * ∂/∂a = σ(a)(1 − σ(a)), from the saved output.
 */
public record Sigmoid() implements Op {
    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    static double sigmoid(double a) {
        if (a >= 0) {
            return 1 / (1 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1 + e);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor output = inputs[0].map(Sigmoid::sigmoid);
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {Broadcast.apply(gradient, context.saved(0), (g, y) -> g * y * (1 - y))};
    }
}
