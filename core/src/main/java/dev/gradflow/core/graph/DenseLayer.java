package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.Tensor;

/**
 * A fully connected layer {@code activation(x·W + b)}.
 *
 * @param name stable name; the parameters are {@code <name>.weights} and {@code <name>.biases}
 * @param units number of outputs
 * @param activation applied to {@code x·W + b}
 * @param weights W [in, units], or null to initialise from the definition's seed
 * @param biases b [units], or null for zeros
 */
public record DenseLayer(String name, int units, Activation activation, Tensor weights, Tensor biases) {

    /** Activations a Dense layer can apply. */
    public enum Activation {
        /** max(z, 0). */
        RELU("relu"),
        /** The identity. */
        LINEAR("linear"),
        /** Only on the last layer before a softmax-cross-entropy loss, which applies it (fused). */
        SOFTMAX("softmax");

        private final String label;

        Activation(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
