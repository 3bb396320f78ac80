package dev.gradflow.core.train;

import dev.gradflow.core.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gradient of a mean loss over several batches, from the gradients of each batch's own mean loss: because a
 * batch's loss is the mean over its rows, the union's gradient is the mean of the batch gradients weighted by rows,
 * {@code g = Σ_j n_j · g_j / Σ_j n_j}. The same holds for the losses themselves.
 *
 * <p><b>Arithmetic, fixed so that a distributed job reproduces it bit for bit.</b> Per element, in float64 and in the
 * order the batches were {@link #add added}: {@code sum = 0; sum += n_j · g_j} for each batch; then
 * {@code g = sum / Σ n_j}, rounded once to the parameter's dtype. A single batch is the exception: its gradient is
 * returned as it is, so that a step per batch uses exactly the engine's gradient ({@code n·g/n} need not equal g
 * in floating point). Gradients of float32 parameters are widened exactly to float64 before the sum.
 *
 * <p>Mutable, one per step; not thread-safe.
 */
public final class GradientMean {
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private Map<String, Tensor> first;
    private MeanLoss loss = MeanLoss.EMPTY;

    /**
     * Adds one batch.
     *
     * @param batchRows the rows of the batch, the weight of its gradient
     * @param loss the batch's mean loss
     * @param gradients Not modified: the gradient of the batch's mean loss, per parameter, with the same names and
     *     shapes for every batch
     */
    public void add(int batchRows, double loss, Map<String, Tensor> gradients) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("a batch has at least one row, got " + batchRows);
        }
        if (first == null) {
            first = gradients;
        } else if (!gradients.keySet().equals(first.keySet())) {
            throw new IllegalArgumentException("batch " + this.loss.batches() + " has gradients for " + gradients.keySet()
                    + ", batch 0 for " + first.keySet());
        }
        for (Map.Entry<String, Tensor> entry : gradients.entrySet()) {
            double[] g = entry.getValue().readDoubles();
            double[] sum = sums.computeIfAbsent(entry.getKey(), k -> new double[g.length]);
            if (sum.length != g.length) {
                throw new IllegalArgumentException("the gradient of \"" + entry.getKey() + "\" has " + g.length
                        + " elements in batch " + this.loss.batches() + ", " + sum.length + " before");
            }
            for (int i = 0; i < g.length; i++) {
                sum[i] += batchRows * g[i];
            }
        }
        this.loss = this.loss.add(batchRows, loss);
    }

    /** The rows added so far, Σ n_j. */
    public long rows() {
        return loss.rows();
    }

    /** The weighted mean loss, {@code Σ n_j · loss_j / Σ n_j} (the first loss itself for one batch). */
    public double loss() {
        requireBatches();
        return loss.value();
    }

    /** The weighted mean gradient per parameter, each in the dtype and shape of the first batch's gradient. */
    public Map<String, Tensor> gradients() {
        requireBatches();
        if (loss.batches() == 1) {
            return first;
        }
        Map<String, Tensor> mean = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> entry : first.entrySet()) {
            double[] sum = sums.get(entry.getKey());
            double[] values = new double[sum.length];
            for (int i = 0; i < sum.length; i++) {
                values[i] = sum[i] / loss.rows();
            }
            Tensor like = entry.getValue();
            mean.put(entry.getKey(), Tensor.of(like.dtype(), like.shape(), values));
        }
        return mean;
    }

    private void requireBatches() {
        if (loss.batches() == 0) {
            throw new IllegalStateException("no batch was added");
        }
    }
}
