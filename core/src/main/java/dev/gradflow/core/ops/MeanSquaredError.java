package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Mean squared error {@code L = (1/n) Σ (p − t)²} over all n elements of a prediction and a target of identical
 * shape (nothing broadcasts). ∂L/∂p = 2(p − t)/n and ∂L/∂t = −2(p − t)/n. Saves the difference.
 */
public record MeanSquaredError() implements Op {
    @Override
    public String name() {
        return "mean-squared-error";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return ElementwiseShapes.sameShapeToScalar(name(), "prediction", "target", inputShapes);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        outputShape(new int[][] {inputs[0].shape(), inputs[1].shape()});
        double[] p = inputs[0].readDoubles();
        double[] t = inputs[1].readDoubles();
        double[] difference = new double[p.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            difference[i] = p[i] - t[i];
            sum += difference[i] * difference[i];
        }
        Tensor output = Tensor.of(inputs[0].dtype(), new int[0], new double[] {sum / p.length});
        return Forward.of(output, Tensor.of(inputs[0].dtype(), inputs[0].shape(), difference));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor difference = context.saved(0);
        double scale = 2 * gradient.item() / difference.size();
        double[] d = difference.readDoubles();
        double[] result = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            result[i] = d[i] * scale;
        }
        Tensor gradPrediction = Tensor.of(difference.dtype(), difference.shape(), result);
        return new Tensor[] {gradPrediction, Neg.negate(gradPrediction)};
    }
}
