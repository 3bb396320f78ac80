package dev.gradflow.core.ops;

import dev.gradflow.core.tensor.Tensor;

/**
 * Softmax over the last axis fused with categorical cross-entropy, averaged over the batch: for logits Z [N, C]
 * and targets T, {@code L = −(1/N) Σ_n Σ_c T[n,c] · log softmax(Z)[n,c]}. Targets are either class ids [N] (each an
 * integer in [0, C)) or probability rows [N, C] such as one-hot rows.
 *
 * <p>Fusing the two gives the gradient {@code ∂L/∂Z[n,j] = (softmax(Z)[n,j] · Σ_c T[n,c] − T[n,j]) / N}, which
 * is the well-known {@code (ŷ − y)/N} whenever a target row sums to 1 (class ids, one-hot rows), and stays exact
 * when it does not. Computing the log-softmax as {@code z − max − log Σ exp(z − max)} keeps the loss finite for
 * any logits. Targets get no gradient. Saves the probabilities and the targets.
 */
public record SoftmaxCrossEntropy() implements Op {
    @Override
    public String name() {
        return "softmax-cross-entropy";
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

    @Override
    public Forward forward(Tensor[] inputs) {
        Tensor logits = inputs[0];
        Tensor targets = inputs[1];
        outputShape(new int[][] {logits.shape(), targets.shape()});
        int n = logits.dim(0);
        int c = logits.dim(1);
        double[] z = logits.readDoubles();
        double[] t = targets.readDoubles();
        boolean classIds = targets.rank() == 1;
        double[] probabilities = new double[z.length];
        double loss = 0;
        for (int row = 0; row < n; row++) {
            int base = row * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, z[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(z[base + j] - max);
                probabilities[base + j] = e;
                sum += e;
            }
            double logSum = Math.log(sum);
            for (int j = 0; j < c; j++) {
                probabilities[base + j] /= sum;
            }
            if (classIds) {
                int target = ClassTargets.classId(name(), t[row], row, c);
                loss -= z[base + target] - max - logSum;
            } else {
                for (int j = 0; j < c; j++) {
                    double weight = t[base + j];
                    if (weight != 0) {
                        loss -= weight * (z[base + j] - max - logSum);
                    }
                }
            }
        }
        Tensor output = Tensor.of(logits.dtype(), new int[0], new double[] {loss / n});
        return Forward.of(output, Tensor.of(logits.dtype(), logits.shape(), probabilities), targets);
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
        boolean classIds = targets.rank() == 1;
        for (int row = 0; row < n; row++) {
            int base = row * c;
            if (classIds) {
                for (int j = 0; j < c; j++) {
                    result[base + j] = p[base + j] * scale;
                }
                result[base + (int) t[row]] -= scale;
                continue;
            }
            double targetMass = 0;
            for (int j = 0; j < c; j++) {
                targetMass += t[base + j];
            }
            for (int j = 0; j < c; j++) {
                result[base + j] = (p[base + j] * targetMass - t[base + j]) * scale;
            }
        }
        return new Tensor[] {Tensor.of(gradient.dtype(), probabilities.shape(), result), null};
    }

    @Override
    public String chainRule(int input) {
        return input == 0 ? "G · (softmax(z) − onehot(y)) / N" : "none: targets get no gradient";
    }
}
