package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Sum of all elements (a scalar) or along one axis (that axis removed). The chapter's rule for a sum: each input
 * element's partial derivative is 1, so the gradient is the output gradient copied back over the summed axis.
 * Saves nothing.
 *
 * @param axis the axis to sum along, or {@code null} for the whole tensor
 */
public record Sum(Integer axis) implements Op {
    @Override
    public String name() {
        return "sum";
    }

    @Override
    public int arity() {
        return 1;
    }

    @Override
    public double[] attributes() {
        return axis == null ? new double[0] : new double[] {axis};
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return Reduction.outputShape(name(), axis, inputShapes[0]);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        outputShape(new int[][] {inputs[0].shape()});
        return Forward.of(Reduction.sum(inputs[0], axis, false));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {Reduction.expand(gradient, context.inputShape(0), axis, false)};
    }

    @Override
    public String chainRule(int input) {
        return "G, spread over the summed axes";
    }
}
