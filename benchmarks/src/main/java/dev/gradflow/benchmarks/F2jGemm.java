package dev.gradflow.benchmarks;

import dev.gradflow.core.kernels.Gemm;
import java.util.Arrays;
import org.netlib.blas.Dgemm;
import org.netlib.blas.Sgemm;

/**
 * {@link Gemm} through F2J, the reference Fortran BLAS machine-translated to Java (netlib-blas depends on it and
 * used it as its Java fallback before it had its own). Column-major, so it is called like any BLAS: B first, A
 * second, computing {@code Cᵀ = op(B)ᵀ·op(A)ᵀ}.
 */
final class F2jGemm implements Gemm {
    @Override
    public String name() {
        return "f2j reference BLAS";
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        Dgemm.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, 1.0, b, 0, transB ? k : n, a, 0,
                transA ? m : k, 0.0, c, 0, n);
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0f);
            return;
        }
        Sgemm.sgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, 1.0f, b, 0, transB ? k : n, a, 0,
                transA ? m : k, 0.0f, c, 0, n);
    }
}
