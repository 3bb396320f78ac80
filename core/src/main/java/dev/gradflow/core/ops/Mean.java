package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Mean of all elements (a scalar) or along one axis (that axis removed). ∂/∂a_i = 1/n for the n elements averaged.
 * Saves nothing.
 *
 * @param axis the axis to average along, or {@code null} for the whole tensor
 */
public record Mean(Integer axis) implements Op {
    @Override
    public String name() {
        return "mean";
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
        return Forward.of(Reduction.sum(inputs[0], axis, true));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        return new Tensor[] {Reduction.expand(gradient, context.inputShape(0), axis, true)};
    }

    @Override
    public String chainRule(int input) {
        return "G / n, spread over the averaged axes";
    }
}
