package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.Tensor;

/**
 * A fully connected layer {@code activation(x·W + b)}, with optional L1 and L2 penalties on its weights and biases
 * added to the loss (the book's {@code weight_regularizer_l1} and friends):
 * {@code λ₁ʷ Σ|W| + λ₂ʷ ΣW² + λ₁ᵇ Σ|b| + λ₂ᵇ Σb²}.
 *
 * @param name stable name; the parameters are {@code <name>.weights} and {@code <name>.biases}
 * @param units number of outputs
 * @param activation applied to {@code x·W + b}
 * @param weights W [in, units], or null to initialise from the definition's seed
 * @param biases b [units], or null for zeros
 * @param regularization the four penalty factors, all ≥ 0
 */
public record DenseLayer(String name, int units, Activation activation, Tensor weights, Tensor biases,
        Regularization regularization) implements Layer {

    /**
     * L1 and L2 factors for weights and biases.
     *
     * @param weightL1 λ₁ʷ
     * @param weightL2 λ₂ʷ
     * @param biasL1 λ₁ᵇ
     * @param biasL2 λ₂ᵇ
     */
    public record Regularization(double weightL1, double weightL2, double biasL1, double biasL2) {
        public static final Regularization NONE = new Regularization(0, 0, 0, 0);

        public boolean isNone() {
            return weightL1 == 0 && weightL2 == 0 && biasL1 == 0 && biasL2 == 0;
        }
    }
}
