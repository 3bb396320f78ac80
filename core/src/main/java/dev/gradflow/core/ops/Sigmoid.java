package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * The logistic function σ(a) = 1/(1 + e^−a) elementwise, evaluated without overflow for large |a|.
 * ∂/∂a = σ(a)(1 − σ(a)), from the saved output.
 */
public record Sigmoid() implements Op {
    @Override
    public String name() {
        return "sigmoid";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return inputShapes[0];
    }

    static double sigmoid(double a) {
        if (a >= 0) {
            return 1 / (1 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1 + e);
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
                    out[i] = sigmoid(x);
                }
                yield Tensor.ofDoubles(a.shape(), out);
            }
            case FLOAT32 -> {
                float[] xs = a.floats();
                float[] out = new float[xs.length];
                for (int i = 0; i < out.length; i++) {
                    double x = xs[i];
                    out[i] = (float) (sigmoid(x));
                }
                yield Tensor.ofFloats(a.shape(), out);
            }
        };
        return Forward.of(output, output);
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
                    out[i] = g * s * (1 - s);
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
                    out[i] = (float) (g * s * (1 - s));
                }
                yield Tensor.ofFloats(gradient.shape(), out);
            }
        };
        return new Tensor[] {result};
    }

    @Override
    public String chainRule(int input) {
        return "G ⊙ y(1 − y)";
    }
}
