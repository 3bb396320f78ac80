package dev.gradflow.core.tensor;

import java.util.function.DoubleBinaryOperator;

/**
 * NumPy-style broadcasting for elementwise binary ops, and its adjoint, the reduction of a gradient back to the
 * shape of a broadcast input. See the package documentation for the rule.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * The broadcast shape of {@code a} and {@code b}, or {@code null} when they are incompatible. Works on declared
     * shapes too: {@link Shapes#ANY} lines up with itself and with 1.
     */
    public static int[] shape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] result = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                result[i] = da;
            } else if (da == 1) {
                result[i] = db;
            } else {
                return null;
            }
        }
        return result;
    }

    /**
     * {@code out[i] = op(a[i'], b[i''])} over the broadcast shape of {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException when the shapes do not broadcast
     */
    public static Tensor apply(Tensor a, Tensor b, DoubleBinaryOperator op) {
        int[] outShape = shape(a.shape(), b.shape());
        if (outShape == null) {
            throw new IllegalArgumentException("shapes " + Shapes.format(a.shape()) + " and "
                    + Shapes.format(b.shape()) + " do not broadcast");
        }
        double[] ad = a.data();
        double[] bd = b.data();
        double[] out = new double[Shapes.size(outShape)];
        if (ad.length == out.length && bd.length == out.length) {
            for (int i = 0; i < out.length; i++) {
                out[i] = op.applyAsDouble(ad[i], bd[i]);
            }
        } else if (bd.length == 1 && ad.length == out.length) {
            double bv = bd[0];
            for (int i = 0; i < out.length; i++) {
                out[i] = op.applyAsDouble(ad[i], bv);
            }
        } else if (ad.length == 1 && bd.length == out.length) {
            double av = ad[0];
            for (int i = 0; i < out.length; i++) {
                out[i] = op.applyAsDouble(av, bd[i]);
            }
        } else {
            int[] aIndex = sourceIndex(a.shape(), outShape);
            int[] bIndex = sourceIndex(b.shape(), outShape);
            for (int i = 0; i < out.length; i++) {
                out[i] = op.applyAsDouble(ad[aIndex[i]], bd[bIndex[i]]);
            }
        }
        return Tensor.of(a.dtype(), outShape, out);
    }

    /**
     * Sums {@code gradient} (shaped like a broadcast output) over every axis that {@code shape} was stretched
     * along, giving a tensor of exactly {@code shape}. The identity when the shapes already match.
     */
    public static Tensor reduceTo(Tensor gradient, int[] shape) {
        if (gradient.hasShape(shape)) {
            return gradient;
        }
        double[] g = gradient.data();
        double[] out = new double[Shapes.size(shape)];
        if (out.length == 1) {
            double sum = 0;
            for (double v : g) {
                sum += v;
            }
            out[0] = sum;
        } else {
            int[] index = sourceIndex(shape, gradient.shape());
            for (int i = 0; i < g.length; i++) {
                out[index[i]] += g[i];
            }
        }
        return Tensor.of(gradient.dtype(), shape, out);
    }

    /** For each element of {@code outShape}, the flat index of the element of {@code source} it reads. */
    private static int[] sourceIndex(int[] source, int[] outShape) {
        int rank = outShape.length;
        int offset = rank - source.length;
        int[] sourceStrides = Shapes.strides(source);
        int[] stride = new int[rank];
        for (int i = 0; i < source.length; i++) {
            stride[i + offset] = source[i] == 1 ? 0 : sourceStrides[i];
        }
        int size = Shapes.size(outShape);
        int[] result = new int[size];
        int[] counter = new int[rank];
        int position = 0;
        for (int i = 0; i < size; i++) {
            result[i] = position;
            for (int axis = rank - 1; axis >= 0; axis--) {
                counter[axis]++;
                position += stride[axis];
                if (counter[axis] < outShape[axis]) {
                    break;
                }
                position -= stride[axis] * counter[axis];
                counter[axis] = 0;
            }
        }
        return result;
    }
}
