package dev.gradflow.core.tensor;

import dev.gradflow.core.kernels.ParallelRanges;
import java.util.Arrays;

/**
 * A dense row-major tensor: a dtype, a shape and its elements.
 *
 * <p><b>Storage follows the dtype.</b> A {@link DType#FLOAT64} tensor holds a {@code double[]} ({@link #doubles()}),
 * a {@link DType#FLOAT32} tensor a {@code float[]} ({@link #floats()}); asking for the other one is an error, so a
 * kernel cannot silently read the wrong storage. Matrix products hand these arrays to dgemm or sgemm as they are,
 * and the wire codecs read and write them directly. {@link #toDoubleArray()} and {@link #getDouble(int)} are the
 * slow, dtype-blind path for tests, tools and cold code: the first copies, the second reads one element.
 *
 * <p><b>float32 arithmetic.</b> Each element of a float32 op's result is that op's float64 formula evaluated on the
 * float32 operands and rounded once to float32. For a single {@code +}, {@code −}, {@code ×}, {@code ÷} or
 * {@code √} this is exactly IEEE float32 arithmetic (float64 carries more than 2·24 + 2 bits, so rounding twice
 * cannot differ from rounding once), which is what PyTorch computes, and kernels use plain {@code float} operations
 * there for speed. For {@code exp}, {@code log}, {@code tanh}, {@code pow}, the sigmoid and compound backward rules
 * such as {@code g·y·(1 − y)} it is more accurate than chaining float operations, and it is deterministic: the
 * result depends only on the operands, not on how a loop was vectorised. Reductions (sum, mean, softmax, the losses,
 * the bias gradient) accumulate in float64 and round the result once. Matrix products are float32 products and
 * sums (sgemm). This is also what gradflow computed when float32 tensors were held as doubles, so results are
 * bit-identical to that engine's.
 *
 * <p>Tensors are values. Nothing in gradflow writes into a tensor after it was built, which is what lets the tape
 * keep references to forward values instead of copies. {@link #doubles()} and {@link #floats()} expose the backing
 * array for fast kernels; callers must treat it as read-only.
 */
public final class Tensor {
    /** The exponent field of a double, and its lowest bit: see {@link #firstNonFinite()}. */
    private static final long DOUBLE_EXPONENT = 0x7ff0_0000_0000_0000L;
    private static final long DOUBLE_EXPONENT_ONE = 0x0010_0000_0000_0000L;
    /** The same for a float. */
    private static final int FLOAT_EXPONENT = 0x7f80_0000;
    private static final int FLOAT_EXPONENT_ONE = 0x0080_0000;

    private final DType dtype;
    private final int[] shape;
    /** The elements of a float64 tensor, otherwise null. */
    private final double[] doubles;
    /** The elements of a float32 tensor, otherwise null. */
    private final float[] floats;

    private Tensor(DType dtype, int[] shape, double[] doubles, float[] floats) {
        this.dtype = dtype;
        this.shape = shape;
        this.doubles = doubles;
        this.floats = floats;
    }

    private static int[] checkedShape(int[] shape, int elements) {
        if (shape.length > Shapes.MAX_RANK) {
            throw new IllegalArgumentException("rank " + shape.length + " exceeds the maximum " + Shapes.MAX_RANK);
        }
        int[] ownShape = shape.clone();
        if (Shapes.size(ownShape) != elements) {
            throw new IllegalArgumentException("shape " + Shapes.format(shape) + " needs " + Shapes.size(ownShape)
                    + " elements, got " + elements);
        }
        return ownShape;
    }

    /**
     * A tensor of the given dtype from float64 values. For float64 {@code data} is wrapped (not copied: the caller
     * hands it over); for float32 each element is rounded to the nearest float32 into a new array.
     *
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor of(DType dtype, int[] shape, double[] data) {
        return switch (dtype) {
            case FLOAT64 -> ofDoubles(shape, data);
            case FLOAT32 -> ofFloats(shape, Floats.round(data));
        };
    }

    /**
     * A float64 tensor wrapping {@code data} (not copied: the caller hands it over).
     *
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor ofDoubles(int[] shape, double[] data) {
        return new Tensor(DType.FLOAT64, checkedShape(shape, data.length), data, null);
    }

    /**
     * A float32 tensor wrapping {@code data} (not copied: the caller hands it over).
     *
     * @throws IllegalArgumentException when the element count does not match the shape
     */
    public static Tensor ofFloats(int[] shape, float[] data) {
        return new Tensor(DType.FLOAT32, checkedShape(shape, data.length), null, data);
    }

    /** A float64 tensor wrapping {@code data}. */
    public static Tensor of(int[] shape, double... data) {
        return ofDoubles(shape, data);
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
        return ofDoubles(new int[0], new double[] {value});
    }

    /** A scalar (rank 0) of the given dtype, rounded for float32. */
    public static Tensor scalar(DType dtype, double value) {
        return of(dtype, new int[0], new double[] {value});
    }

    public static Tensor zeros(DType dtype, int... shape) {
        return switch (dtype) {
            case FLOAT64 -> ofDoubles(shape, new double[Shapes.size(shape)]);
            case FLOAT32 -> ofFloats(shape, new float[Shapes.size(shape)]);
        };
    }

    public static Tensor filled(DType dtype, int[] shape, double value) {
        return switch (dtype) {
            case FLOAT64 -> {
                double[] data = new double[Shapes.size(shape)];
                Arrays.fill(data, value);
                yield ofDoubles(shape, data);
            }
            case FLOAT32 -> {
                float[] data = new float[Shapes.size(shape)];
                Arrays.fill(data, (float) value);
                yield ofFloats(shape, data);
            }
        };
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
        return dtype == DType.FLOAT64 ? doubles.length : floats.length;
    }

    /**
     * The backing array of a float64 tensor, row-major. Read-only by contract: tensors are shared, never mutated.
     *
     * @throws IllegalStateException when the tensor is float32
     */
    public double[] doubles() {
        if (doubles == null) {
            throw new IllegalStateException("doubles() on a " + dtype.label() + " tensor " + Shapes.format(shape)
                    + "; use floats(), or toDoubleArray() for a float64 copy");
        }
        return doubles;
    }

    /**
     * The backing array of a float32 tensor, row-major. Read-only by contract: tensors are shared, never mutated.
     *
     * @throws IllegalStateException when the tensor is float64
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("floats() on a " + dtype.label() + " tensor " + Shapes.format(shape)
                    + "; use doubles(), or toDoubleArray() for a float64 copy");
        }
        return floats;
    }

    /** A new {@code double[]} holding every element (exactly: every float32 is a float64). Slow path: it copies. */
    public double[] toDoubleArray() {
        return doubles != null ? doubles.clone() : Floats.widen(floats);
    }

    /**
     * The elements as float64 for code that computes in float64 anyway (reductions, losses): the backing array
     * itself for a float64 tensor, which must not be written, or a widened copy for a float32 one.
     */
    public double[] readDoubles() {
        return doubles != null ? doubles : Floats.widen(floats);
    }

    /** Element {@code index} of the row-major order, as float64. Slow path: one element per call. */
    public double getDouble(int index) {
        return doubles != null ? doubles[index] : floats[index];
    }

    /**
     * The index of the first NaN or infinity in row-major order, or −1 when every element is finite. It runs on
     * every op's output and every fed tensor, so it reads the tensor's own storage, without a branch per element,
     * and a large tensor in ranges on the threads of the products ({@link ParallelRanges}).
     */
    public int firstNonFinite() {
        if (doubles != null) {
            double[] values = doubles;
            return ParallelRanges.first(values.length, 1, (from, to) -> firstNonFinite(values, from, to));
        }
        float[] values = floats;
        return ParallelRanges.first(values.length, 1, (from, to) -> firstNonFinite(values, from, to));
    }

    // Every tensor the engine makes is checked, and almost all are finite: one pass without a branch per element
    // says whether any element is not, and only then does a second pass find the first. The exponent field plus
    // one reaches the sign bit only when it is all ones (an infinity or a NaN).
    private static int firstNonFinite(double[] values, int from, int to) {
        long exponents = 0;
        for (int i = from; i < to; i++) {
            exponents |= (Double.doubleToRawLongBits(values[i]) & DOUBLE_EXPONENT) + DOUBLE_EXPONENT_ONE;
        }
        if (exponents < 0) {
            for (int i = from; i < to; i++) {
                if (!Double.isFinite(values[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static int firstNonFinite(float[] values, int from, int to) {
        int exponents = 0;
        for (int i = from; i < to; i++) {
            exponents |= (Float.floatToRawIntBits(values[i]) & FLOAT_EXPONENT) + FLOAT_EXPONENT_ONE;
        }
        if (exponents < 0) {
            for (int i = from; i < to; i++) {
                if (!Float.isFinite(values[i])) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The single element of a tensor with exactly one element (a scalar, or shape [1], [1, 1]...). */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs one element, tensor has shape " + Shapes.format(shape));
        }
        return getDouble(0);
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The same values in another dtype, as a new tensor (rounded when narrowing to float32). */
    public Tensor cast(DType target) {
        if (target == dtype) {
            return this;
        }
        return target == DType.FLOAT64 ? ofDoubles(shape, Floats.widen(floats))
                : ofFloats(shape, Floats.round(doubles));
    }

    /** Same elements, another shape of equal size; the storage is shared, which is safe because tensors are values. */
    public Tensor reshape(int... newShape) {
        return new Tensor(dtype, checkedShape(newShape, size()), doubles, floats);
    }

    /**
     * Elementwise sum of two tensors of identical shape and dtype, as a new tensor. In float32 this is a float32
     * addition, the correctly rounded sum.
     */
    public Tensor plus(Tensor other) {
        requireSameShape(other);
        if (dtype != other.dtype) {
            throw new IllegalArgumentException("cannot add a " + other.dtype.label() + " tensor to a "
                    + dtype.label() + " one");
        }
        if (dtype == DType.FLOAT64) {
            double[] a = doubles;
            double[] b = other.doubles;
            double[] result = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                result[i] = a[i] + b[i];
            }
            return new Tensor(dtype, shape, result, null);
        }
        float[] a = floats;
        float[] b = other.floats;
        float[] result = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            result[i] = a[i] + b[i];
        }
        return new Tensor(dtype, shape, null, result);
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
        if (dtype != that.dtype || !Arrays.equals(shape, that.shape)) {
            return false;
        }
        // Arrays.equals compares doubleToLongBits / floatToIntBits: bitwise, NaN equal to NaN, 0.0 unequal to -0.0.
        return dtype == DType.FLOAT64 ? Arrays.equals(doubles, that.doubles) : Arrays.equals(floats, that.floats);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + (dtype == DType.FLOAT64 ? Arrays.hashCode(doubles)
                : Arrays.hashCode(floats));
    }

    @Override
    public String toString() {
        String values = size() > 16 ? "[" + size() + " elements]"
                : dtype == DType.FLOAT64 ? Arrays.toString(doubles) : Arrays.toString(floats);
        return "Tensor(" + dtype.label() + " " + Shapes.format(shape) + " " + values + ")";
    }
}
