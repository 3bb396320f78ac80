package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * {@code min(max(a, low), high)} elementwise. ∂/∂a = 1 strictly inside (low, high) and 0 where the value was clipped
 * or sits on a bound, so {@code clip(a, 0, ∞)} agrees with ReLU′(0) = 0. Saves the input.
 *
 * @param min the lower bound
 * @param max the upper bound, at least {@code min}
 */
public record Clip(double min, double max) implements Op {
    public Clip {
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new AttributeException("min", "bounds must be numbers");
        }
        if (max < min) {
            throw new AttributeException("max", "must be at least min (" + min + "), got " + max);
        }
    }

    @Override
    public String name() {
        return "clip";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public double[] attributes() {
        return new double[] {min, max};
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor output = Elementwise.map(a, x -> Math.min(Math.max(x, min), max));
        return Forward.of(output, a);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = Elementwise.combine(gradient, saved, (g, s) -> s > min && s < max ? g : 0);
        return new Tensor[] {result};
    }
}
