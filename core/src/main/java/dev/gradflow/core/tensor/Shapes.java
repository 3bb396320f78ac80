package dev.gradflow.core.tensor;

import java.util.Arrays;

/**
 * Helpers for shapes, which are plain {@code int[]} in row-major order. A rank-0 shape ({@code []}) is a scalar.
 *
 * <p>In a <em>declared</em> shape (a network definition, before any batch is seen) a dimension may be
 * {@link #ANY}, meaning "the batch size": it lines up with itself and with 1, and is bound to a real size when a
 * batch arrives.
 */
public final class Shapes {
    /** A dimension whose size is the batch size, unknown until a batch arrives. */
    public static final int ANY = -1;

    /** The largest rank any tensor may have; guards decoders against absurd input. */
    public static final int MAX_RANK = 8;

    private Shapes() {
    }

    /** Number of elements; throws {@link ArithmeticException} when it overflows an int. */
    public static int size(int[] shape) {
        long size = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("shape " + format(shape) + " has an unbound dimension");
            }
            size *= dim;
            if (size > Integer.MAX_VALUE) {
                throw new ArithmeticException("shape " + format(shape) + " has more than 2^31-1 elements");
            }
        }
        return (int) size;
    }

    /** Row-major strides of a shape. */
    public static int[] strides(int[] shape) {
        int[] strides = new int[shape.length];
        int stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }

    /** Formats a shape as {@code [2, 3]}, with {@code N} for {@link #ANY}. */
    public static String format(int[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                text.append(", ");
            }
            text.append(shape[i] == ANY ? "N" : Integer.toString(shape[i]));
        }
        return text.append(']').toString();
    }

    /** The shape without the dimension at {@code axis}. */
    public static int[] remove(int[] shape, int axis) {
        int[] result = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != axis) {
                result[j++] = shape[i];
            }
        }
        return result;
    }

    public static boolean equal(int[] a, int[] b) {
        return Arrays.equals(a, b);
    }

    /** True when {@code shape} has no {@link #ANY} dimension. */
    public static boolean isConcrete(int[] shape) {
        for (int dim : shape) {
            if (dim == ANY) {
                return false;
            }
        }
        return true;
    }
}
