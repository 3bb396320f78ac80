package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Broadcast.Arithmetic;
import dev.gradflow.core.tensor.Tensor;

/**
 * {@code a · b} elementwise, broadcasting. The chapter's rule: the partial derivative with respect to one input is
 * the other input, ∂/∂a = b and ∂/∂b = a. Saves both inputs.
 */
public record Mul() implements Op {
    @Override
    public String name() {
        return "mul";
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
        return Forward.of(Broadcast.apply(inputs[0], inputs[1], Arithmetic.MUL), inputs[0], inputs[1]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor a = context.saved(0);
        Tensor b = context.saved(1);
        return new Tensor[] {
            Broadcast.reduceTo(Broadcast.apply(gradient, b, Arithmetic.MUL), context.inputShape(0)),
            Broadcast.reduceTo(Broadcast.apply(gradient, a, Arithmetic.MUL), context.inputShape(1))
        };
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G ⊙ b" : "G ⊙ a";
    }
}
