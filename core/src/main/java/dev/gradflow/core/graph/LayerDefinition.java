package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import java.util.List;

/**
 * A feed-forward network as a list of layers followed by a loss. It compiles to a graph whose input is {@code x}
 * [N, inputSize], whose target is {@code y}, and whose parameters are {@code <dense>.weights} [in, units] and
 * {@code <dense>.biases} [units].
 *
 * @param dtype element type
 * @param inputSize number of features per sample
 * @param seed seeds the initial values of parameters the definition does not give, and dropout masks
 * @param layers the layers, first to last
 * @param loss the loss applied to the last layer's output
 * @param targetFormat how targets are given to the categorical losses
 */
public record LayerDefinition(DType dtype, int inputSize, long seed, List<Layer> layers, Loss loss,
        TargetFormat targetFormat) implements NetworkDefinition {
    public LayerDefinition {
        layers = List.copyOf(layers);
    }

    /** The losses a layer list can end with, each the op of the same name. */
    public enum Loss {
        /** Softmax fused with categorical cross-entropy, on logits; a trailing softmax layer is folded into it. */
        SOFTMAX_CROSS_ENTROPY("softmax-cross-entropy", true),
        /** Categorical cross-entropy on probabilities (after a softmax), clipped to [1e-7, 1 − 1e-7]. */
        CATEGORICAL_CROSS_ENTROPY("categorical-cross-entropy", true),
        /** Binary cross-entropy on probabilities (after a sigmoid), one 0/1 target per output. */
        BINARY_CROSS_ENTROPY("binary-cross-entropy", false),
        MEAN_SQUARED_ERROR("mean-squared-error", false),
        MEAN_ABSOLUTE_ERROR("mean-absolute-error", false);

        private final String label;
        private final boolean categorical;

        Loss(String label, boolean categorical) {
            this.label = label;
            this.categorical = categorical;
        }

        public String label() {
            return label;
        }

        /** Whether targets are classes (ids or one-hot rows) rather than one value per output. */
        public boolean categorical() {
            return categorical;
        }
    }

    /** Targets of a categorical loss: a class id per sample [N], or a one-hot row per sample [N, C]. */
    public enum TargetFormat {
        CLASS_IDS("class-ids"),
        ONE_HOT("one-hot");

        private final String label;

        TargetFormat(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
