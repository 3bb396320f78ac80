package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
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
        Tensor output = inputs[0].map(Math::sqrt);
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {Broadcast.apply(gradient, context.saved(0), (g, root) -> g / (2 * root))};
    }
}
