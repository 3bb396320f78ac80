package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import java.util.List;

/**
 * A feed-forward network as a list of Dense layers followed by a loss. It compiles to a graph whose input is
 * {@code x} [N, inputSize], whose target is {@code y}, and whose parameters are {@code <layer>.weights}
 * [in, units] and {@code <layer>.biases} [units].
 *
 * @param dtype element type
 * @param inputSize number of features per sample
 * @param seed seeds the initial values of parameters the definition does not give
 * @param layers the Dense layers, first to last
 * @param loss the loss applied to the last layer's output
 * @param targetFormat how targets are given to a softmax-cross-entropy loss
 */
public record LayerDefinition(DType dtype, int inputSize, long seed, List<DenseLayer> layers, Loss loss,
        TargetFormat targetFormat) implements NetworkDefinition {
    public LayerDefinition {
        layers = List.copyOf(layers);
    }

    /** The losses a layer list can end with. */
    public enum Loss {
        SOFTMAX_CROSS_ENTROPY("softmax-cross-entropy"),
        MEAN_SQUARED_ERROR("mean-squared-error");

        private final String label;

        Loss(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Targets of a softmax-cross-entropy loss: a class id per sample [N], or a one-hot row per sample [N, C]. */
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
