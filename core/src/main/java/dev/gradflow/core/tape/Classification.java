package dev.gradflow.core.tape;

import dev.gradflow.core.tensor.Tensor;
import java.util.Set;

/** How many rows of a batch a classifier got right, read from its tape: what a job's accuracy counts. */
public final class Classification {
    /** The ops whose first saved tensor is the class probabilities [N, C] and second the targets. */
    private static final Set<String> CLASSIFICATION_LOSSES = Set.of("softmax-cross-entropy",
            "categorical-cross-entropy");

    private Classification() {
    }

    /**
     * Counts the rows classified correctly, from what the categorical loss recorded: its probabilities (the
     * argmax of the logits, since softmax preserves order) against the class ids, or the argmax of one-hot rows.
     * Ties go to the first class, as NumPy's argmax breaks them. The first categorical loss on the tape is used; a
     * network without one has no accuracy.
     */
    public static int correct(Tape tape) {
        for (TapeNode node : tape.nodes()) {
            if (node.op() == null || !CLASSIFICATION_LOSSES.contains(node.op())) {
                continue;
            }
            Tensor probabilities = node.saved().get(0);
            Tensor targets = node.saved().get(1);
            int n = probabilities.dim(0);
            int classes = probabilities.dim(1);
            double[] p = probabilities.readDoubles();
            double[] t = targets.readDoubles();
            int correct = 0;
            for (int row = 0; row < n; row++) {
                int target = targets.rank() == 1 ? (int) t[row] : argmax(t, row * classes, classes);
                if (argmax(p, row * classes, classes) == target) {
                    correct++;
                }
            }
            return correct;
        }
        return -1;
    }

    private static int argmax(double[] values, int from, int count) {
        int best = 0;
        for (int j = 1; j < count; j++) {
            if (values[from + j] > values[from + best]) {
                best = j;
            }
        }
        return best;
    }
}
