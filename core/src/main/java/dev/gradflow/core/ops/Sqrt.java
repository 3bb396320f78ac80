package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** {@code √a} elementwise. ∂/∂a = 1/(2√a), from the saved output. */
public record Sqrt() implements Op {
    @Override
    public String name() {
        return "sqrt";
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
        Tensor output = Elementwise.map(a, x -> Math.sqrt(x));
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = Elementwise.combine(gradient, saved, (g, s) -> g / (2 * s));
        return new Tensor[] {result};
    }

    @Override
    public String chainRule(int input) {
        return "G / (2y)";
    }
}
