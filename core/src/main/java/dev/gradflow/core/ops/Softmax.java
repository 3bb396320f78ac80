package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/**
 * Softmax along the last axis: {@code y_j = e^(a_j − max) / Σ_k e^(a_k − max)} (subtracting the row maximum keeps it
 * finite). Its Jacobian is {@code diag(y) − y·yᵀ} per row, applied without forming it:
 * {@code ∂L/∂a_j = y_j (g_j − Σ_k g_k y_k)}. Saves the output.
 */
public record Softmax() implements Op {
    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        if (inputShapes[0].length == 0) {
            throw new IllegalArgumentException("softmax: needs at least one axis, got a scalar");
        }
        return inputShapes[0];
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor input = inputs[0];
        int width = input.dim(input.rank() - 1);
        double[] a = input.readDoubles();
        double[] y = new double[a.length];
        for (int base = 0; base < a.length; base += width) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < width; j++) {
                max = Math.max(max, a[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < width; j++) {
                y[base + j] = Math.exp(a[base + j] - max);
                sum += y[base + j];
            }
            for (int j = 0; j < width; j++) {
                y[base + j] /= sum;
            }
        }
        Tensor output = Tensor.of(input.dtype(), input.shape(), y);
        return Forward.of(output, output);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] y = context.saved(0).readDoubles();
        double[] g = gradient.readDoubles();
        int[] shape = context.inputShape(0);
        int width = shape[shape.length - 1];
        double[] result = new double[Shapes.size(shape)];
        for (int base = 0; base < result.length; base += width) {
            double dot = 0;
            for (int j = 0; j < width; j++) {
                dot += g[base + j] * y[base + j];
            }
            for (int j = 0; j < width; j++) {
                result[base + j] = y[base + j] * (g[base + j] - dot);
            }
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), shape, result)};
    }

    @Override
    public String chainRule(int input) {
        return "y ⊙ (G − Σ G ⊙ y)";
    }
}
