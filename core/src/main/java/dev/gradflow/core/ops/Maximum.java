package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Broadcast.Arithmetic;
import dev.gradflow.core.tensor.Tensor;

/**
 * {@code max(a, b)} elementwise, broadcasting. The chapter's rule: ∂/∂a = 1(a > b). The second input takes the
 * rest, ∂/∂b = 1(a ≤ b), so at a tie the whole gradient flows to {@code b} and the two partials always sum to 1.
 * With {@code b = 0} this is ReLU, and ReLU′(0) = 0 as the chapter states.
 */
public record Maximum() implements Op {
    @Override
    public String name() {
        return "max";
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
        return Forward.of(Broadcast.apply(inputs[0], inputs[1], Arithmetic.MAX), inputs[0], inputs[1]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor aWins = Broadcast.applyFormula(context.saved(0), context.saved(1), (a, b) -> a > b ? 1 : 0);
        Tensor gradA = Broadcast.apply(gradient, aWins, Arithmetic.MUL);
        Tensor gradB = Broadcast.applyFormula(gradient, aWins, (g, w) -> g * (1 - w));
        return new Tensor[] {
            Broadcast.reduceTo(gradA, context.inputShape(0)),
            Broadcast.reduceTo(gradB, context.inputShape(1))
        };
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G ⊙ [a > b]" : "G ⊙ [a ≤ b]";
    }
}
