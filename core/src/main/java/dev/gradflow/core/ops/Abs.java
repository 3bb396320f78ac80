package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** {@code |a|} elementwise. ∂/∂a = sign(a), taken as 0 at a = 0 (like ReLU′(0)). Saves the input. */
public record Abs() implements Op {
    @Override
    public String name() {
        return "abs";
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
        Tensor output = Elementwise.map(a, x -> Math.abs(x));
        return Forward.of(output, a);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = Elementwise.combine(gradient, saved, (g, s) -> g * Math.signum(s));
        return new Tensor[] {result};
    }
}
