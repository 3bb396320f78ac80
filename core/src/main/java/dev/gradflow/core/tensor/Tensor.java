package dev.gradflow.core.tensor;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * A dense row-major tensor: a dtype, a shape and its elements.
 *
 * <p>Elements are held as {@code double} for both dtypes. A {@link DType#FLOAT32} tensor rounds every element to
 * the nearest float32 when it is built, so each op computes in float64 and stores a float32 result: float32
 * semantics with float64 accumulation inside elementwise ops and reductions (matrix products run sgemm and sum in
 * float32), at the cost of 8 bytes per element in memory (the wire format stores 4).
 *
 * <p>Tensors are values. Nothing in gradflow writes into a tensor after it was built, which is what lets the tape
 * keep references to forward values instead of copies. {@link #data()} exposes the backing array for fast kernels;
 * callers must treat it as read-only.
 */
public final class Tensor {
    private final DType dtype;
    private final int[] shape;
    private final double[] data;

    private Tensor(DType dtype, int[] shape, double[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) data[i];
            }
        }
    }

    /**
     * Wraps {@code data} (not copied: the caller hands it over, and for float32 it is rounded in place) as a tensor
     * of the given shape.
     *
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(DType dtype, int[] shape, double[] data) {
        if (shape.length > Shapes.MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds the maximum " + Shapes.MAX_RANK);
        }
        int[] ownShape = shape.clone();
        if (Shapes.size(ownShape) != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " needs " + Shapes.size(ownShape)
                    + " elements, got " + data.length);
        }
        return new Tensor(dtype, ownShape, data);
    }

    /** A float64 tensor wrapping {@code data}. */
    public static Tensor of(int[] shape, double... data) {
        return of(DType.FLOAT64, shape, data);
    }

    /** A float64 vector. */
    public static Tensor vector(double... values) {
        return of(new int[] {values.length}, values);
    }

    /** A float64 matrix from rows of equal length. */
    public static Tensor matrix(double[][] rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length;
        double[] data = new double[rows.length * columns];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != columns) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " columns, expected "
                        + columns);
            }
            System.arraycopy(rows[r], 0, data, r * columns, columns);
        }
        return of(new int[] {rows.length, columns}, data);
    }

    /** A float64 scalar (rank 0). */
    public static Tensor scalar(double value) {
        return new Tensor(DType.FLOAT64, new int[0], new double[] {value});
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return of(dtype, shape, new double[Shapes.size(shape)]);
    }

    public static Tensor filled(DType dtype, int[] shape, double value) {
        double[] data = new double[Shapes.size(shape)];
        Arrays.fill(data, value);
        return of(dtype, shape, data);
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return data.length;
    }

    /** The backing array, row-major. Read-only by contract: tensors are shared, never mutated. */
    public double[] data() {
        return data;
    }

    /** The single element of a tensor with exactly one element (a scalar, or shape [1], [1, 1]...). */
    public double item() {
        if (data.length != 1) {
            throw new IllegalStateException("item() needs one element, tensor has shape " + Shapes.format(shape));
        }
        return data[0];
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** A new tensor with {@code function} applied to every element. */
    public Tensor map(DoubleUnaryOperator function) {
        double[] result = new double[data.length];
        for (int i = 0; i < data.length; i++) {
            result[i] = function.applyAsDouble(data[i]);
        }
        return new Tensor(dtype, shape, result);
    }

    /** The same values in another dtype, as a new tensor (rounded when narrowing to float32). */
    public Tensor cast(DType target) {
        return target == dtype ? this : of(target, shape, data.clone());
    }

    /** Same elements, another shape of equal size. */
    public Tensor reshape(int... newShape) {
        return of(dtype, newShape, data);
    }

    /** Elementwise sum of two tensors of identical shape, as a new tensor. */
    public Tensor plus(Tensor other) {
        requireSameShape(other);
        double[] result = new double[data.length];
        double[] otherData = other.data;
        for (int i = 0; i < data.length; i++) {
            result[i] = data[i] + otherData[i];
        }
        return new Tensor(dtype, shape, result);
    }

    private void requireSameShape(Tensor other) {
        if (!Arrays.equals(shape, other.shape)) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " does not match "
                    + Shapes.format(other.shape));
        }
    }

    /** Bitwise equality of dtype, shape and every element (so NaN equals NaN, and 0.0 differs from -0.0). */
    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof Tensor that)) {
            return false;
        }
        if (dtype != that.dtype || !Arrays.equals(shape, that.shape) || data.length != that.data.length) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (Double.doubleToLongBits(data[i]) != Double.doubleToLongBits(that.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        String values = data.length <= 16 ? Arrays.toString(data) : "[" + data.length + " elements]";
        return "Tensor(" + dtype.label() + " " + Shapes.format(shape) + " " + values + ")";
    }
}
