package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.MatrixKernels;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/**
 * Matrix product {@code A·B} of A [m, k] and B [k, n], giving [m, n]. Both inputs must have rank 2; nothing
 * broadcasts. ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G, computed with transposed-product kernels, never a materialised
 * transpose. The arithmetic is that of the dtype (float32 products and sums for float32), on the BLAS that
 * {@link MatrixKernels} uses. Saves both inputs.
 */
public record MatMul() implements Op {
    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] a = inputShapes[0];
        int[] b = inputShapes[1];
        if (a.length != 2 || b.length != 2) {
            throw new IllegalArgumentException("matmul: both inputs must be matrices (rank 2), got "
                    + Shapes.format(a) + " and " + Shapes.format(b));
        }
        if (a[1] != b[0]) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + Shapes.format(a) + " · "
                    + Shapes.format(b));
        }
        return new int[] {a[0], b[1]};
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor a = inputs[0];
        Tensor b = inputs[1];
        int[] shape = outputShape(new int[][] {a.shape(), b.shape()});
        double[] c = MatrixKernels.multiply(a.dtype(), a.data(), b.data(), a.dim(0), a.dim(1), b.dim(1));
        return Forward.of(Tensor.of(a.dtype(), shape, c), a, b);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor a = context.saved(0);
        Tensor b = context.saved(1);
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        double[] gradA = MatrixKernels.multiplyTransB(gradient.dtype(), gradient.data(), b.data(), m, n, k);
        double[] gradB = MatrixKernels.multiplyTransA(gradient.dtype(), a.data(), gradient.data(), m, k, n);
        return new Tensor[] {
            Tensor.of(gradient.dtype(), new int[] {m, k}, gradA),
            Tensor.of(gradient.dtype(), new int[] {k, n}, gradB)
        };
    }
}
