package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Categorical cross-entropy of probabilities P [N, C] (a softmax output) against targets (class ids [N] or rows
 * [N, C]), averaged over the batch: {@code L = −(1/N) Σ_n Σ_c T[n,c] · log clip(P[n,c])}. As in the book,
 * probabilities are clipped to [1e-7, 1 − 1e-7] so that log never sees 0. The gradient is the exact gradient of
 * that clipped loss: {@code −T/(N·P)} where P lies strictly inside the clip range and 0 where it was clipped.
 * Targets get no gradient. Saves the probabilities and the targets.
 */
public record CategoricalCrossEntropy() implements Op {
    static final double EPSILON = 1e-7;

    @Override
    public String name() {
        return "categorical-cross-entropy";
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public int[] outputShape(int[][] inputShapes) {
        ClassTargets.checkShapes(name(), inputShapes[0], inputShapes[1]);
        return new int[0];
    }

    static double clip(double p) {
        return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    }

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor probabilities = inputs[0];
        Tensor targets = inputs[1];
        outputShape(new int[][] {probabilities.shape(), targets.shape()});
        int n = probabilities.dim(0);
        int c = probabilities.dim(1);
        double[] p = probabilities.readDoubles();
        double[] t = targets.readDoubles();
        double loss = 0;
        for (int row = 0; row < n; row++) {
            if (targets.rank() == 1) {
                loss -= Math.log(clip(p[row * c + ClassTargets.classId(name(), t[row], row, c)]));
            } else {
                for (int j = 0; j < c; j++) {
                    double weight = t[row * c + j];
                    if (weight != 0) {
                        loss -= weight * Math.log(clip(p[row * c + j]));
                    }
                }
            }
        }
        return Forward.of(Tensor.of(probabilities.dtype(), new int[0], new double[] {loss / n}), probabilities,
                targets);
    }

    @Override
    public Tensor[] backward(BackwardContext context, Tensor gradient) {
        Tensor probabilities = context.saved(0);
        Tensor targets = context.saved(1);
        int n = probabilities.dim(0);
        int c = probabilities.dim(1);
        double scale = gradient.item() / n;
        double[] p = probabilities.readDoubles();
        double[] t = targets.readDoubles();
        double[] result = new double[p.length];
        for (int row = 0; row < n; row++) {
            for (int j = 0; j < c; j++) {
                double target = targets.rank() == 1 ? (j == (int) t[row] ? 1 : 0) : t[row * c + j];
                double value = p[row * c + j];
                boolean inside = value > EPSILON && value < 1 - EPSILON;
                result[row * c + j] = inside ? -target / value * scale : 0;
            }
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), probabilities.shape(), result), null};
    }
}
