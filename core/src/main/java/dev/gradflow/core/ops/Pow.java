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
        Tensor output = switch (a.dtype()) {
            case FLOAT64 -> {
                double[] xs = a.doubles();
                double[] out = new double[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = Math.pow(x, exponent);
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = (float) (Math.pow(x, exponent));
                }
                yield Tensor.ofFloats(a.shape(), out);
            }
        };
        return Forward.of(output, a);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor saved = context.saved(0);
        Tensor result = switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[] gs = gradient.doubles();
                double[] ss = saved.doubles();
                double[] out = new double[gs.length];
                for (int i = 0; i < out.length; i++) {
                    double g = gs[i];
                    double s = ss[i];
                    out[i] = exponent == 0 ? 0 : g * exponent * Math.pow(s, exponent - 1);
                }
                yield Tensor.ofDoubles(gradient.shape(), out);
            }
            case FLOAT32 -> {
                float[] gs = gradient.floats();
                float[] ss = saved.floats();
                float[] out = new float[gs.length];
                for (int i = 0; i < out.length; i++) {
                    double g = gs[i];
                    double s = ss[i];
                    out[i] = (float) (exponent == 0 ? 0 : g * exponent * Math.pow(s, exponent - 1));
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
        return new Tensor[] {result};
    }
}
