package dev.gradflow.core.tensor;

import dev.gradflow.core.kernels.DenseProducts;
import dev.gradflow.core.kernels.Gemms;

/**
 * Row-major dense matrix products, including the two transposed products a backward pass needs, computed without
 * materialising a transpose, and the transpose itself.
 *
 * <p>The products run on the process-wide BLAS chosen by {@link Gemms} (native BLAS when the system has one,
 * pure Java otherwise); see {@link DenseProducts} for how each dtype is computed. Every routine writes a fresh
 * output array; inputs are not modified.
 */
public final class MatrixKernels {
    private MatrixKernels() {
    }

    /** Which implementation computes the products, e.g. {@code netlib-java Java11BLAS}, for logs and reports. */
    public static String implementation() {
        return DenseProducts.active().gemm().name();
    }

    /**
     * {@code C = A·B}, with A of shape [m, k] and B of shape [k, n]; returns C of shape [m, n].
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     */
    public static double[] multiply(DType dtype, double[] a, double[] b, int m, int k, int n) {
        return DenseProducts.active().multiply(dtype, a, b, m, k, n);
    }

    /**
     * {@code C = Aᵀ·B}, with A of shape [k, m] and B of shape [k, n]; returns C of shape [m, n]. This is the
     * weight gradient {@code Xᵀ·G} of a matrix product.
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [k, m]. Not modified.
     * @param b B, row-major [k, n]. Not modified.
     * @return C, row-major [m, n], a new array
     */
    public static double[] multiplyTransA(DType dtype, double[] a, double[] b, int k, int m, int n) {
        return DenseProducts.active().multiplyTransA(dtype, a, b, k, m, n);
    }

    /**
     * {@code C = A·Bᵀ}, with A of shape [m, k] and B of shape [n, k]; returns C of shape [m, n]. This is the input
     * gradient {@code G·Wᵀ} of a matrix product.
     *
     * @param dtype the arithmetic: float32 or float64
     * @param a A, row-major [m, k]. Not modified.
     * @param b B, row-major [n, k]. Not modified.
     * @return C, row-major [m, n], a new array
     */
    public static double[] multiplyTransB(DType dtype, double[] a, double[] b, int m, int k, int n) {
        return DenseProducts.active().multiplyTransB(dtype, a, b, m, k, n);
    }

    /**
     * {@code T = Aᵀ}: the transpose of a row-major [rows, columns] matrix, as a new [columns, rows] array. Exact
     * for every dtype, since it only moves elements.
     *
     * @param a A, row-major [rows, columns]. Not modified.
     * @return T, row-major [columns, rows], a new array
     */
    public static double[] transpose(double[] a, int rows, int columns) {
        double[] t = new double[a.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * rows + r] = a[r * columns + c];
            }
        }
        return t;
    }
}
