package dev.gradflow.core.kernels;

import dev.gradflow.core.tensor.DType;

/**
 * The three row-major matrix products of a matrix product's forward and backward pass, {@code A·B},
 * {@code Aᵀ·B} and {@code A·Bᵀ}, for gradflow's tensor storage: elements are held as {@code double[]} whatever the
 * dtype, and a float32 tensor holds only values exactly representable as float32.
 *
 * <p>float64 operands go to {@link Gemm#dgemm} as they are. float32 operands are narrowed to {@code float[]}
 * (exactly, since every element already is a float32 value), multiplied by {@link Gemm#sgemm} in float32, and the
 * result is widened back (exactly). The copies cost O(mk + kn + mn) against the product's O(mkn).
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
     * {@code C = A·B}, with A of shape [m, k] and B of shape [k, n]; returns C of shape [m, n].
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiply(DType dtype, double[] a, double[] b, int m, int k, int n) {
        checkLength("A", a, m, k);
        checkLength("B", b, k, n);
        return product(dtype, false, false, a, b, m, n, k);
    }

    /**
     * {@code C = Aᵀ·B}, with A of shape [k, m] and B of shape [k, n]; returns C of shape [m, n]. This is the
     * weight gradient {@code Xᵀ·G} of a matrix product. Aᵀ is never formed.
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [k, m]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiplyTransA(DType dtype, double[] a, double[] b, int k, int m, int n) {
        checkLength("A", a, k, m);
        checkLength("B", b, k, n);
        return product(dtype, true, false, a, b, m, n, k);
    }

    /**
     * {@code C = A·Bᵀ}, with A of shape [m, k] and B of shape [n, k]; returns C of shape [m, n]. This is the
     * input gradient {@code G·Wᵀ} of a matrix product. Bᵀ is never formed.
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [n, k]. Not modified.
     * @return C, row-major [m, n], a new array
     * @throws IllegalArgumentException when an array's length does not match its shape
     */
    public double[] multiplyTransB(DType dtype, double[] a, double[] b, int m, int k, int n) {
        checkLength("A", a, m, k);
        checkLength("B", b, n, k);
        return product(dtype, false, true, a, b, m, n, k);
    }

    private double[] product(DType dtype, boolean transA, boolean transB, double[] a, double[] b, int m, int n,
            int k) {
        int size = checkedSize("C", m, n);
        return switch (dtype) {
            case FLOAT64 -> {
                double[] c = new double[size];
                gemm.dgemm(transA, transB, m, n, k, a, b, c);
                yield c;
            }
            case FLOAT32 -> {
                float[] c = new float[size];
                gemm.sgemm(transA, transB, m, n, k, narrow(a), narrow(b), c);
                yield widen(c);
            }
        };
    }

    private static float[] narrow(double[] values) {
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (float) values[i];
        }
        return result;
    }

    private static double[] widen(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    private static void checkLength(String name, double[] values, int rows, int columns) {
        if (values.length != checkedSize(name, rows, columns)) {
            throw new IllegalArgumentException(name + " has " + values.length + " elements, shape [" + rows + ", "
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
