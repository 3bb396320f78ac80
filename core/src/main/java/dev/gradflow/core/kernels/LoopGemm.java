package dev.gradflow.core.kernels;

import java.util.Arrays;

/**
 * {@link Gemm} as plain loops: gradflow's original hand-written kernels, kept as the last-resort fallback (used
 * only if netlib-blas itself cannot be loaded) and as the baseline the benchmarks compare against. One thread,
 * no blocking; each loop nest is ordered so that its innermost loop walks contiguous memory.
 *
 * <p>The products without a transposed B skip a zero element of A instead of multiplying it through (ReLU outputs
 * are about half zeros), so {@code 0·∞} contributes 0 here, not NaN as in BLAS. gradflow rejects non-finite
 * inputs and parameters, so this never shows.
 */
public final class LoopGemm implements Gemm {
    /** The one instance; the class has no state. */
    public static final LoopGemm INSTANCE = new LoopGemm();

    private LoopGemm() {
    }

    @Override
    public String name() {
        return "loops";
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        Arrays.fill(c, 0, m * n, 0.0);
        if (!transA && !transB) {
            // C row i += A(i, p) · B row p: an axpy over contiguous rows, which the JIT vectorises.
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
        } else if (transA && !transB) {
            // Row p of the stored A and row p of B are both contiguous, so walk p outermost.
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
        } else {
            // The stored rows of B are the columns of op(B): each element of C is a dot product.
            for (int i = 0; i < m; i++) {
                int rowC = i * n;
                for (int j = 0; j < n; j++) {
                    int rowB = j * k;
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (transA ? a[p * m + i] : a[i * k + p]) * b[rowB + p];
                    }
                    c[rowC + j] = sum;
                }
            }
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        Arrays.fill(c, 0, m * n, 0.0f);
        if (!transA && !transB) {
            for (int i = 0; i < m; i++) {
                int rowA = i * k;
                int rowC = i * n;
                for (int p = 0; p < k; p++) {
                    float aip = a[rowA + p];
                    if (aip == 0) {
                        continue;
                    }
                    int rowB = p * n;
                    for (int j = 0; j < n; j++) {
                        c[rowC + j] += aip * b[rowB + j];
                    }
                }
            }
        } else if (transA && !transB) {
            for (int p = 0; p < k; p++) {
                int rowA = p * m;
                int rowB = p * n;
                for (int i = 0; i < m; i++) {
                    float api = a[rowA + i];
                    if (api == 0) {
                        continue;
                    }
                    int rowC = i * n;
                    for (int j = 0; j < n; j++) {
                        c[rowC + j] += api * b[rowB + j];
                    }
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int rowC = i * n;
                for (int j = 0; j < n; j++) {
                    int rowB = j * k;
                    float sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (transA ? a[p * m + i] : a[i * k + p]) * b[rowB + p];
                    }
                    c[rowC + j] = sum;
                }
            }
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
