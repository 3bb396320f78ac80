package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/** {@code −a}. ∂/∂a = −1. */
public record Neg() implements Op {
    @Override
    public String name() {
        return "neg";
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
        return Forward.of(inputs[0].map(a -> -a));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {gradient.map(g -> -g)};
    }
}
