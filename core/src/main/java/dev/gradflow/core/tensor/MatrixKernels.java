package dev.gradflow.core.tensor;

import dev.gradflow.core.kernels.DenseProducts;

/**
 * The transpose of a row-major matrix for each storage, and the name of the gemm implementation that the matrix
 * products ({@link DenseProducts}) run on.
 */
public final class MatrixKernels {
    private MatrixKernels() {
    }

    /** Which implementation computes the products, e.g. {@code netlib-java Java11BLAS}, for logs and reports. */
    public static String implementation() {
        return DenseProducts.active().gemm().name();
    }

    /**
     * {@code T = Aᵀ}: the transpose of a row-major [rows, columns] matrix, as a new [columns, rows] tensor. Exact
     * for every dtype, since it only moves elements.
     *
     * @param a A, a matrix. Not modified.
     * @return T, a new tensor of A's dtype
     */
    public static Tensor transpose(Tensor a) {
        int rows = a.dim(0);
        int columns = a.dim(1);
        int[] shape = {columns, rows};
        if (a.dtype() == DType.FLOAT64) {
            double[] source = a.doubles();
            double[] t = new double[source.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    t[c * rows + r] = source[r * columns + c];
                }
            }
            return Tensor.ofDoubles(shape, t);
        }
        float[] source = a.floats();
        float[] t = new float[source.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                t[c * rows + r] = source[r * columns + c];
            }
        }
        return Tensor.ofFloats(shape, t);
    }
}
