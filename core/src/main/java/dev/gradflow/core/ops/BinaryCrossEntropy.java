package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Binary cross-entropy of probabilities P (sigmoid outputs) against targets T of the same shape, averaged over
 * every element (the book's mean over outputs, then over samples):
 * {@code L = −(1/n) Σ [T·log clip(P) + (1 − T)·log(1 − clip(P))]}, with P clipped to [1e-7, 1 − 1e-7]. The
 * gradient is exact for the clipped loss: {@code −(T/P − (1 − T)/(1 − P))/n} strictly inside the clip range, 0
 * where P was clipped. Targets get no gradient. Saves the probabilities and the targets.
 */
public record BinaryCrossEntropy() implements Op {
    @Override
    public String name() {
        return "binary-cross-entropy";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        return ElementwiseShapes.sameShapeToScalar(name(), "probabilities", "targets", inputShapes);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        outputShape(new int[][] {inputs[0].shape(), inputs[1].shape()});
        double[] p = inputs[0].readDoubles();
        double[] t = inputs[1].readDoubles();
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            double clipped = CategoricalCrossEntropy.clip(p[i]);
            loss -= t[i] * Math.log(clipped) + (1 - t[i]) * Math.log(1 - clipped);
        }
        return Forward.of(Tensor.of(inputs[0].dtype(), new int[0], new double[] {loss / p.length}), inputs[0],
                inputs[1]);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        double[] p = context.saved(0).readDoubles();
        double[] t = context.saved(1).readDoubles();
        double scale = gradient.item() / p.length;
        double[] result = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            boolean inside = p[i] > CategoricalCrossEntropy.EPSILON && p[i] < 1 - CategoricalCrossEntropy.EPSILON;
            result[i] = inside ? -(t[i] / p[i] - (1 - t[i]) / (1 - p[i])) * scale : 0;
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), context.inputShape(0), result), null};
    }
}
