package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;

/** The summation shared by {@link Sum} and {@link Mean}: over the whole tensor, or along one axis. */
final class Reduction {
    private Reduction() {
    }

    static int[] outputShape(String op, Integer axis, int[] input) {
        if (axis == null) {
            return new int[0];
        }
        if (axis < 0 || axis >= input.length) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Shapes.format(input));
        }
        return Shapes.remove(input, axis);
    }

    /** Sum (or mean, when {@code mean}) over {@code axis}, or over everything when the axis is null. */
    static Tensor sum(Tensor input, Integer axis, boolean mean) {
        double[] a = input.readDoubles();
        int[] shape = input.shape();
        if (axis == null) {
            double total = 0;
            for (double v : a) {
                total += v;
            }
            return Tensor.of(input.dtype(), new int[0], new double[] {mean ? total / a.length : total});
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= shape[i];
        }
        int length = shape[axis];
        int inner = Shapes.size(shape) / Math.max(1, outer * length);
        double[] out = new double[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int l = 0; l < length; l++) {
                int from = (o * length + l) * inner;
                int to = o * inner;
                for (int i = 0; i < inner; i++) {
                    out[to + i] += a[from + i];
                }
            }
        }
        if (mean) {
            for (int i = 0; i < out.length; i++) {
                out[i] /= length;
            }
        }
        return Tensor.of(input.dtype(), Shapes.remove(shape, axis), out);
    }

    /** Spreads {@code gradient} back over the reduced axis (or everything), divided by the count for a mean. */
    static Tensor expand(Tensor gradient, int[] inputShape, Integer axis, boolean mean) {
        double[] g = gradient.readDoubles();
        double[] out = new double[Shapes.size(inputShape)];
        if (axis == null) {
            Arrays.fill(out, mean ? g[0] / out.length : g[0]);
            return Tensor.of(gradient.dtype(), inputShape, out);
        }
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= inputShape[i];
        }
        int length = inputShape[axis];
        int inner = out.length / Math.max(1, outer * length);
        double scale = mean ? 1.0 / length : 1.0;
        for (int o = 0; o < outer; o++) {
            for (int l = 0; l < length; l++) {
                int to = (o * length + l) * inner;
                int from = o * inner;
                for (int i = 0; i < inner; i++) {
                    out[to + i] = g[from + i] * scale;
                }
            }
        }
        return Tensor.of(gradient.dtype(), inputShape, out);
    }
}
