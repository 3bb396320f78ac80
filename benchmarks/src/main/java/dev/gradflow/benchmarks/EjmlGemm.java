package dev.gradflow.benchmarks;

import dev.gradflow.core.kernels.Gemm;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_DDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * {@link Gemm} through EJML's row-major dense matrices, the candidate netlib-blas was measured against. EJML is
 * row-major already, so each array is wrapped (not copied) with its stored shape and the transposed products are
 * EJML's {@code multTransA}, {@code multTransB} and {@code multTransAB}. The concurrent variant splits C's rows
 * among EJML's fork-join pool (one thread per core), never the sum over k.
 */
final class EjmlGemm implements Gemm {
    private final boolean concurrent;

    EjmlGemm(boolean concurrent) {
        this.concurrent = concurrent;
    }

    @Override
    public String name() {
        return concurrent ? "ejml-mt CommonOps_MT" : "ejml CommonOps";
    }

    @Override
    public void dgemm(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b, double[] c) {
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        DMatrixRMaj matrixA = transA ? DMatrixRMaj.wrap(k, m, a) : DMatrixRMaj.wrap(m, k, a);
        DMatrixRMaj matrixB = transB ? DMatrixRMaj.wrap(n, k, b) : DMatrixRMaj.wrap(k, n, b);
        DMatrixRMaj matrixC = DMatrixRMaj.wrap(m, n, c);
        if (concurrent) {
            if (transA && transB) {
                CommonOps_MT_DDRM.multTransAB(matrixA, matrixB, matrixC);
            } else if (transA) {
                CommonOps_MT_DDRM.multTransA(matrixA, matrixB, matrixC);
            } else if (transB) {
                CommonOps_MT_DDRM.multTransB(matrixA, matrixB, matrixC);
            } else {
                CommonOps_MT_DDRM.mult(matrixA, matrixB, matrixC);
            }
        } else if (transA && transB) {
            CommonOps_DDRM.multTransAB(matrixA, matrixB, matrixC);
        } else if (transA) {
            CommonOps_DDRM.multTransA(matrixA, matrixB, matrixC);
        } else if (transB) {
            CommonOps_DDRM.multTransB(matrixA, matrixB, matrixC);
        } else {
            CommonOps_DDRM.mult(matrixA, matrixB, matrixC);
        }
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (k == 0) {
            Arrays.fill(c, 0, m * n, 0.0f);
            return;
        }
        FMatrixRMaj matrixA = transA ? FMatrixRMaj.wrap(k, m, a) : FMatrixRMaj.wrap(m, k, a);
        FMatrixRMaj matrixB = transB ? FMatrixRMaj.wrap(n, k, b) : FMatrixRMaj.wrap(k, n, b);
        FMatrixRMaj matrixC = FMatrixRMaj.wrap(m, n, c);
        if (concurrent) {
            if (transA && transB) {
                CommonOps_MT_FDRM.multTransAB(matrixA, matrixB, matrixC);
            } else if (transA) {
                CommonOps_MT_FDRM.multTransA(matrixA, matrixB, matrixC);
            } else if (transB) {
                CommonOps_MT_FDRM.multTransB(matrixA, matrixB, matrixC);
            } else {
                CommonOps_MT_FDRM.mult(matrixA, matrixB, matrixC);
            }
        } else if (transA && transB) {
            CommonOps_FDRM.multTransAB(matrixA, matrixB, matrixC);
        } else if (transA) {
            CommonOps_FDRM.multTransA(matrixA, matrixB, matrixC);
        } else if (transB) {
            CommonOps_FDRM.multTransB(matrixA, matrixB, matrixC);
        } else {
            CommonOps_FDRM.mult(matrixA, matrixB, matrixC);
        }
    }
}
