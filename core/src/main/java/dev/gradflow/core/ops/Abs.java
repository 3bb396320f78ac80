package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
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
        return Forward.of(inputs[0].map(Math::abs), inputs[0]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {Broadcast.apply(gradient, context.saved(0), (g, a) -> g * Math.signum(a))};
    }
}
