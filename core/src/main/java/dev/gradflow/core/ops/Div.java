package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Broadcast.Arithmetic;
import dev.gradflow.core.tensor.Tensor;

/** {@code a / b} elementwise, broadcasting. ∂/∂a = 1/b, ∂/∂b = −a/b². Saves both inputs. */
public record Div() implements Op {
    @Override
    public String name() {
        return "div";
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
        return Forward.of(Broadcast.apply(inputs[0], inputs[1], Arithmetic.DIV), inputs[0], inputs[1]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor a = context.saved(0);
        Tensor b = context.saved(1);
        Tensor gradA = Broadcast.apply(gradient, b, Arithmetic.DIV);
        Tensor minusAOverB2 = Broadcast.applyFormula(a, b, (av, bv) -> -av / (bv * bv));
        Tensor gradB = Broadcast.apply(gradient, minusAOverB2, Arithmetic.MUL);
        return new Tensor[] {
            Broadcast.reduceTo(gradA, context.inputShape(0)),
            Broadcast.reduceTo(gradB, context.inputShape(1))
        };
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G / b" : "−G ⊙ a / b²";
    }
}
