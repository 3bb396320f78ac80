package dev.gradflow.core.kernels;

/**
 * The three row-major matrix products of a matrix product's forward and backward pass, {@code A·B},
 * {@code Aᵀ·B} and {@code A·Bᵀ}, on the tensors' own storage: float64 operands ({@code double[]}) go to
 * {@link Gemm#dgemm} and float32 operands ({@code float[]}) to {@link Gemm#sgemm}, as they are, with no copy. A
 * transposed operand is read in place, never formed.
 *
 * <p>Every routine returns a fresh array and modifies none of its arguments.
 */
public final class DenseProducts {
    private static final DenseProducts ACTIVE = new DenseProducts(Gemms.active());

    private final Gemm gemm;

    /** Products computed by {@code gemm}; tests and benchmarks use this to pin an implementation. */
    public DenseProducts(Gemm gemm) {
        this.gemm = gemm;
    }

    /** Products computed by the process-wide implementation, {@link Gemms#active()}. */
    public static DenseProducts active() {
        return ACTIVE;
    }

    /** The implementation doing the arithmetic. */
    public Gemm gemm() {
        return gemm;
    }

    /**
     * {@code C = A·B} in float64, with A of shape [m, k] and B of shape [k, n].
     *
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiply(double[] a, double[] b, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, k, n);
        double[] c = new double[checkedSize("C", m, n)];
        gemm.dgemm(false, false, m, n, k, a, b, c);
        return c;
    }

    /**
     * {@code C = Aᵀ·B} in float64, with A of shape [k, m] and B of shape [k, n]: the weight gradient
     * {@code Xᵀ·G} of a matrix product. Aᵀ is never formed.
     *
     * @param a A, row-major [k, m]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiplyTransA(double[] a, double[] b, int k, int m, int n) {
        checkLength("A", a.length, k, m);
        checkLength("B", b.length, k, n);
        double[] c = new double[checkedSize("C", m, n)];
        gemm.dgemm(true, false, m, n, k, a, b, c);
        return c;
    }

    /**
     * {@code C = A·Bᵀ} in float64, with A of shape [m, k] and B of shape [n, k]: the input gradient
     * {@code G·Wᵀ} of a matrix product. Bᵀ is never formed.
     *
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [n, k]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiplyTransB(double[] a, double[] b, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, n, k);
        double[] c = new double[checkedSize("C", m, n)];
        gemm.dgemm(false, true, m, n, k, a, b, c);
        return c;
    }

    /**
     * {@code C = A·B} in float32, with A of shape [m, k] and B of shape [k, n].
     *
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public float[] multiply(float[] a, float[] b, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, k, n);
        float[] c = new float[checkedSize("C", m, n)];
        gemm.sgemm(false, false, m, n, k, a, b, c);
        return c;
    }

    /**
     * {@code C = Aᵀ·B} in float32, with A of shape [k, m] and B of shape [k, n]: the weight gradient
     * {@code Xᵀ·G} of a matrix product. Aᵀ is never formed.
     *
     * @param a A, row-major [k, m]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public float[] multiplyTransA(float[] a, float[] b, int k, int m, int n) {
        checkLength("A", a.length, k, m);
        checkLength("B", b.length, k, n);
        float[] c = new float[checkedSize("C", m, n)];
        gemm.sgemm(true, false, m, n, k, a, b, c);
        return c;
    }

    /**
     * {@code C = A·Bᵀ} in float32, with A of shape [m, k] and B of shape [n, k]: the input gradient
     * {@code G·Wᵀ} of a matrix product. Bᵀ is never formed.
     *
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [n, k]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public float[] multiplyTransB(float[] a, float[] b, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, n, k);
        float[] c = new float[checkedSize("C", m, n)];
        gemm.sgemm(false, true, m, n, k, a, b, c);
        return c;
    }

    private static void checkLength(String name, int length, int rows, int columns) {
        if (length != checkedSize(name, rows, columns)) {
            throw new IllegalArgumentException(name + " has " + length + " elements, shape [" + rows + ", "
                    + columns + "] needs " + (long) rows * columns);
        }
    }

    private static int checkedSize(String name, int rows, int columns) {
        if (rows < 0 || columns < 0) {
            throw new IllegalArgumentException(name + " has a negative dimension: [" + rows + ", " + columns + "]");
        }
        long size = (long) rows * columns;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " of shape [" + rows + ", " + columns
                    + "] has more elements than an array can hold");
        }
        return (int) size;
    }
}
