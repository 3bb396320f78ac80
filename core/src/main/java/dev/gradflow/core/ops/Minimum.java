package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Broadcast.Arithmetic;
import dev.gradflow.core.tensor.Tensor;

/**
 * {@code min(a, b)} elementwise, broadcasting; the mirror of {@link Maximum}: ∂/∂a = 1(a < b) and ∂/∂b = 1(a ≥ b),
 * so at a tie the whole gradient flows to {@code b}.
 */
public record Minimum() implements Op {
    @Override
    public String name() {
        return "min";
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
        return Forward.of(Broadcast.apply(inputs[0], inputs[1], Arithmetic.MIN), inputs[0], inputs[1]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor aWins = Broadcast.applyFormula(context.saved(0), context.saved(1), (a, b) -> a < b ? 1 : 0);
        return new Tensor[] {
            Broadcast.reduceTo(Broadcast.apply(gradient, aWins, Arithmetic.MUL), context.inputShape(0)),
            Broadcast.reduceTo(Broadcast.applyFormula(gradient, aWins, (g, w) -> g * (1 - w)),
                    context.inputShape(1))
        };
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G ⊙ [a < b]" : "G ⊙ [a ≥ b]";
    }
}
