package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * {@code a^c} elementwise for a constant exponent {@code c} (an attribute, not an input). ∂/∂a = c·a^(c−1).
 * Saves the input.
 *
 * @param exponent the constant exponent c; must be finite
 */
public record Pow(double exponent) implements Op {
    public Pow {
        if (!Double.isFinite(exponent)) {
            throw new AttributeException("exponent", "must be a finite number, got " + exponent);
        }
    }

    @Override
    public String name() {
        return "pow";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public double[] attributes() {
        return new double[] {exponent};
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor output = Elementwise.map(a, x -> Math.pow(x, exponent));
        return Forward.of(output, a);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = Elementwise.combine(gradient, saved,
                (g, s) -> exponent == 0 ? 0 : g * exponent * Math.pow(s, exponent - 1));
        return new Tensor[] {result};
    }

    @Override
    public String chainRule(int input) {
        return "G ⊙ p·x^(p−1)";
    }
}
