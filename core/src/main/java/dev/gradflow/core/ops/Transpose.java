package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.MatrixKernels;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;

/** Transpose of a matrix [m, n] into [n, m]. The gradient is the transposed output gradient. */
public record Transpose() implements Op {
    @Override
    public String name() {
        return "transpose";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        int[] a = inputShapes[0];
        if (a.length != 2) {
            throw new IllegalArgumentException("transpose: input must be a matrix (rank 2), got " + Shapes.format(a));
        }
        return new int[] {a[1], a[0]};
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        return Forward.of(MatrixKernels.transpose(inputs[0]));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {MatrixKernels.transpose(gradient)};
    }

    @Override
    public String chainRule(int input) {
        return "Gᵀ";
    }
}
