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
        Tensor output = switch (a.dtype()) {
            case FLOAT64 -> {
                double[] xs = a.doubles();
                double[] out = new double[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = Math.min(Math.max(x, min), max);
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = (float) (Math.min(Math.max(x, min), max));
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
                    out[i] = s > min && s < max ? g : 0;
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
                    out[i] = (float) (s > min && s < max ? g : 0);
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
        return new Tensor[] {result};
    }
}
