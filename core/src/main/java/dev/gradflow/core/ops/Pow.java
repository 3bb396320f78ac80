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
        return Forward.of(inputs[0].map(a -> Math.pow(a, exponent)), inputs[0]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] a = context.saved(0).data();
        double[] g = gradient.data();
        double[] result = new double[a.length];
        if (exponent != 0) {
            for (int i = 0; i < a.length; i++) {
                result[i] = g[i] * exponent * Math.pow(a[i], exponent - 1);
            }
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), gradient.shape(), result)};
    }
}
