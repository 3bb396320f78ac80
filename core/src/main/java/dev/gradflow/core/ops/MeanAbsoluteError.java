package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Mean absolute error {@code L = (1/n) Σ |p − t|} over all n elements of a prediction and a target of identical
 * shape. ∂L/∂p = sign(p − t)/n (0 where they are equal) and ∂L/∂t = −sign(p − t)/n. Saves the difference.
 */
public record MeanAbsoluteError() implements Op {
    @Override
    public String name() {
        return "mean-absolute-error";
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
            sum += Math.abs(difference[i]);
        }
        return Forward.of(Tensor.of(inputs[0].dtype(), new int[0], new double[] {sum / p.length}),
                Tensor.of(inputs[0].dtype(), inputs[0].shape(), difference));
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor difference = context.saved(0);
        double scale = gradient.item() / difference.size();
        double[] d = difference.readDoubles();
        double[] result = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            result[i] = Math.signum(d[i]) * scale;
        }
        Tensor gradPrediction = Tensor.of(difference.dtype(), difference.shape(), result);
        return new Tensor[] {gradPrediction, Neg.negate(gradPrediction)};
    }
}
