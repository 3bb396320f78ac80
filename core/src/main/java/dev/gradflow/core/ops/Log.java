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
        Tensor a = inputs[0];
        Tensor output = Elementwise.map(a, x -> Math.log(x));
        return Forward.of(output, a);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = Elementwise.combine(gradient, saved, (g, s) -> g / s);
        return new Tensor[] {result};
    }

    @Override
    public String chainRule(int input) {
        return "G / x";
    }
}
