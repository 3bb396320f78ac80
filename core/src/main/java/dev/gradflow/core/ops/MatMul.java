package dev.gradflow.core.ops;

import dev.gradflow.core.kernels.DenseProducts;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/**
 * Matrix product {@code A·B} of A [m, k] and B [k, n], giving [m, n]. Both inputs must have rank 2; nothing
 * broadcasts. ∂L/∂A = G·Bᵀ and ∂L/∂B = Aᵀ·G, computed with transposed-product kernels, never a materialised
 * transpose. The arithmetic is that of the dtype (float32 products and sums for float32), on the BLAS that
 * {@link DenseProducts} uses, with no copy of the operands. Saves both inputs.
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
        outputShape(new int[][] {a.shape(), b.shape()});
        return Forward.of(product(a, b, a.dim(0), a.dim(1), b.dim(1)), a, b);
    }

    /** {@code A·B} of A [m, k] and B [k, n] in their dtype. */
    static Tensor product(Tensor a, Tensor b, int m, int k, int n) {
        DenseProducts products = DenseProducts.active();
        int[] shape = {m, n};
        return switch (a.dtype()) {
            case FLOAT64 -> Tensor.ofDoubles(shape, products.multiply(a.doubles(), b.doubles(), m, k, n));
            case FLOAT32 -> Tensor.ofFloats(shape, products.multiply(a.floats(), b.floats(), m, k, n));
        };
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor a = context.saved(0);
        Tensor b = context.saved(1);
        return productGradients(a, b, gradient);
    }

    /** {@code G·Bᵀ} and {@code Aᵀ·G}: the gradients of {@code A·B} given G, the gradient of the product. */
    static Tensor[] productGradients(Tensor a, Tensor b, Tensor gradient) {
        DenseProducts products = DenseProducts.active();
        int m = a.dim(0);
        int k = a.dim(1);
        int n = b.dim(1);
        int[] shapeA = {m, k};
        int[] shapeB = {k, n};
        return switch (gradient.dtype()) {
            case FLOAT64 -> {
                double[][] both = products.productGradients(a.doubles(), b.doubles(), gradient.doubles(), m, k, n);
                yield new Tensor[] {Tensor.ofDoubles(shapeA, both[0]), Tensor.ofDoubles(shapeB, both[1])};
            }
            case FLOAT32 -> {
                float[][] both = products.productGradients(a.floats(), b.floats(), gradient.floats(), m, k, n);
                yield new Tensor[] {Tensor.ofFloats(shapeA, both[0]), Tensor.ofFloats(shapeB, both[1])};
            }
        };
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G · Bᵀ" : "Aᵀ · G";
    }
}
