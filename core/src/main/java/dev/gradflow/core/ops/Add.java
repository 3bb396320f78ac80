package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Broadcast.Arithmetic;
import dev.gradflow.core.tensor.Tensor;

/** {@code a + b}, broadcasting. ∂/∂a = 1 and ∂/∂b = 1: the gradient passes through, summed over broadcast axes. */
public record Add() implements Op {
    @Override
    public String name() {
        return "add";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return ElementwiseShapes.broadcast(name(), inputShapes);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        return Forward.of(Broadcast.apply(inputs[0], inputs[1], Arithmetic.ADD));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {
            Broadcast.reduceTo(gradient, context.inputShape(0)),
            Broadcast.reduceTo(gradient, context.inputShape(1))
        };
    }

    @Override
    public String chainRule(int input) {
        return "G";
    }
}
