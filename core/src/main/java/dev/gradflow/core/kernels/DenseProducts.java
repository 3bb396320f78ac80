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

    /**
     * The two gradients of a product {@code C = A·B}, with A of shape [m, k] and B of shape [k, n], given
     * {@code G = ∂L/∂C} of shape [m, n]: {@code ∂L/∂A = G·Bᵀ} [m, k] and {@code ∂L/∂B = Aᵀ·G} [k, n], in float64.
     * They are independent and have the same number of multiply-adds, so the implementation may compute them at
     * the same time ({@link Gemm#both}: with OpenBLAS on two threads, each whole on one thread, 2 to 3% faster per
     * 784-256-128-10 and 1024-1024-1024-10 step than each split in two); each is the same call as
     * {@link #multiplyTransB} and {@link #multiplyTransA}.
     *
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @param g G, row-major [m, n]. Not modified.
     * @return {∂L/∂A, ∂L/∂B}, new arrays
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[][] productGradients(double[] a, double[] b, double[] g, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, k, n);
        checkLength("G", g.length, m, n);
        int sizeA = checkedSize("∂L/∂A", m, k);
        int sizeB = checkedSize("∂L/∂B", k, n);
        double[][] gradients = new double[2][];
        // Each output is allocated (and so zeroed by the JVM) on the thread that computes it.
        gemm.both((long) m * n * k, () -> {
            double[] c = new double[sizeA];
            gemm.dgemm(false, true, m, k, n, g, b, c);
            gradients[0] = c;
        }, () -> {
            double[] c = new double[sizeB];
            gemm.dgemm(true, false, k, n, m, a, g, c);
            gradients[1] = c;
        });
        return gradients;
    }

    /**
     * {@link #productGradients(double[], double[], double[], int, int, int)} in float32, one product after the
     * other, each split over the threads as usual: measured side by side on 784-256-128-10 (2 cores, after 25 s
     * of warm-up), running the two float32 products at once was 2% slower per step, where in float64 it was 2 to
     * 3% faster (README, "Threads").
     */
    public float[][] productGradients(float[] a, float[] b, float[] g, int m, int k, int n) {
        checkLength("A", a.length, m, k);
        checkLength("B", b.length, k, n);
        checkLength("G", g.length, m, n);
        float[] gradientA = new float[checkedSize("∂L/∂A", m, k)];
        gemm.sgemm(false, true, m, k, n, g, b, gradientA);
        float[] gradientB = new float[checkedSize("∂L/∂B", k, n)];
        gemm.sgemm(true, false, k, n, m, a, g, gradientB);
        return new float[][] {gradientA, gradientB};
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
