package dev.gradflow.core.train;

/**
 * The mean loss over several batches from each batch's own mean loss, weighted by rows:
 * {@code Σ n_j · loss_j / Σ n_j}, summed in float64 in the order the batches were added; a single batch's loss is
 * returned as it is. A value, so that a job can persist it between steps and continue with the same bits.
 *
 * @param rows Σ n_j
 * @param batches the batches added
 * @param weightedSum Σ n_j · loss_j
 * @param first the first batch's loss (NaN before any)
 */
public record MeanLoss(long rows, int batches, double weightedSum, double first) {
    public static final MeanLoss EMPTY = new MeanLoss(0, 0, 0.0, Double.NaN);

    /** With one more batch of {@code batchRows} rows and mean loss {@code loss}. */
    public MeanLoss add(int batchRows, double loss) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("a batch has at least one row, got " + batchRows);
        }
        return new MeanLoss(rows + batchRows, batches + 1, weightedSum + batchRows * loss, batches == 0 ? loss : first);
    }

    /** The weighted mean; the first loss itself for one batch. */
    public double value() {
        if (batches == 0) {
            throw new IllegalStateException("no batch was added");
        }
        return batches == 1 ? first : weightedSum / rows;
    }
}
