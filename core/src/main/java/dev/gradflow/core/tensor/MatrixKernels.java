package dev.gradflow.core.tensor;

/**
 * Row-major dense matrix products, including the two transposed products a backward pass needs, computed without
 * materialising a transpose. Loops are ordered so the innermost one walks contiguous memory.
 *
 * <p>Every routine writes a fresh output array; inputs are not modified.
 */
public final class MatrixKernels {
    private MatrixKernels() {
    }

    /**
     * {@code C = A·B}, with A of shape [m, k] and B of shape [k, n]; returns C of shape [m, n].
     *
     * @param a A, row-major, not modified
     * @param b B, row-major, not modified
     */
    public static double[] multiply(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            int rowA = i * k;
            int rowC = i * n;
            for (int p = 0; p < k; p++) {
                double aip = a[rowA + p];
                if (aip == 0) {
                    continue;
                }
                int rowB = p * n;
                for (int j = 0; j < n; j++) {
                    c[rowC + j] += aip * b[rowB + j];
                }
            }
        }
        return c;
    }

    /**
     * {@code C = Aᵀ·B}, with A of shape [k, m] and B of shape [k, n]; returns C of shape [m, n]. This is the
     * weight gradient {@code Xᵀ·G} of a matrix product.
     *
     * @param a A, row-major [k, m], not modified
     * @param b B, row-major [k, n], not modified
     */
    public static double[] multiplyTransA(double[] a, double[] b, int k, int m, int n) {
        double[] c = new double[m * n];
        for (int p = 0; p < k; p++) {
            int rowA = p * m;
            int rowB = p * n;
            for (int i = 0; i < m; i++) {
                double api = a[rowA + i];
                if (api == 0) {
                    continue;
                }
                int rowC = i * n;
                for (int j = 0; j < n; j++) {
                    c[rowC + j] += api * b[rowB + j];
                }
            }
        }
        return c;
    }

    /**
     * {@code C = A·Bᵀ}, with A of shape [m, k] and B of shape [n, k]; returns C of shape [m, n]. This is the input
     * gradient {@code G·Wᵀ} of a matrix product.
     *
     * @param a A, row-major [m, k], not modified
     * @param b B, row-major [n, k], not modified
     */
    public static double[] multiplyTransB(double[] a, double[] b, int m, int k, int n) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            int rowA = i * k;
            int rowC = i * n;
            for (int j = 0; j < n; j++) {
                int rowB = j * k;
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += a[rowA + p] * b[rowB + p];
                }
                c[rowC + j] = sum;
            }
        }
        return c;
    }

    /** The transpose of a row-major [rows, columns] matrix, as a new [columns, rows] array. */
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
