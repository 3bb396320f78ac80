package dev.gradflow.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Examples;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The worked examples of the chapter (partial derivatives, the gradient, the chain rule), through the core. The
 * definitions are the ones in {@code examples/}, which the README and the end-to-end test use too.
 */
class ChapterExamplesTest {

    /** y = ReLU(w·x + b), with w and b as parameters and x as the input. */
    static final String SINGLE_NEURON = Examples.network("single-neuron");

    /** f(x, y, z) = 3x³z − y² + 5z + 2yz, every variable an input. */
    static final String POLYNOMIAL = Examples.network("polynomial");

    /** h(x) = 3(2x²)⁵ as the chain f(g(x)) with g(x) = 2x² and f(y) = 3y⁵. */
    static final String CHAIN = Examples.network("chain-rule");

    static final String MAX = Examples.network("max");

    static final String RELU = Examples.network("relu");

    @Test
    void singleNeuronGradientIsTheInputsForWeightsAndTheWeightsForInputs() {
        GradientSet result = Engine.gradients(SINGLE_NEURON, Map.of("x", Tensor.vector(1, -2, 3)));

        assertThat(result.output().item()).isEqualTo(6.0);
        assertThat(result.parameters().get("w").toDoubleArray()).containsExactly(1, -2, 3);
        assertThat(result.parameters().get("b").item()).isEqualTo(1.0);
        assertThat(result.inputs().get("x").toDoubleArray()).containsExactly(-3, -1, 2);
    }

    @ParameterizedTest
    @CsvSource({"1, 2, 3", "-1.5, 0.5, 2", "0, 0, 0", "2, -3, -1", "0.25, 4, -0.5"})
    void polynomialGradientMatchesTheChapterFormula(double x, double y, double z) {
        GradientSet result = Engine.gradients(POLYNOMIAL,
                Map.of("x", Tensor.scalar(x), "y", Tensor.scalar(y), "z", Tensor.scalar(z)));

        assertThat(result.output().item()).isCloseTo(3 * x * x * x * z - y * y + 5 * z + 2 * y * z, within(1e-12));
        assertThat(result.inputs().get("x").item()).isCloseTo(9 * x * x * z, within(1e-12));
        assertThat(result.inputs().get("y").item()).isCloseTo(-2 * y + 2 * z, within(1e-12));
        assertThat(result.inputs().get("z").item()).isCloseTo(3 * x * x * x + 5 + 2 * y, within(1e-12));
    }

    @ParameterizedTest
    @CsvSource({"1", "0.5", "-1.2", "2"})
    void chainRuleGivesNineHundredSixtyXToTheNinth(double x) {
        GradientSet result = Engine.gradients(CHAIN, Map.of("x", Tensor.scalar(x)));

        assertThat(result.inputs().get("x").item()).isCloseTo(960 * Math.pow(x, 9),
                within(1e-12 * Math.max(1, Math.abs(960 * Math.pow(x, 9)))));
    }

    @Test
    void chainRuleAtOneIsExactly960() {
        assertThat(Engine.gradients(CHAIN, Map.of("x", Tensor.scalar(1))).inputs().get("x").item()).isEqualTo(960.0);
    }

    @ParameterizedTest
    @CsvSource({"3, 5, 0, 1", "5, 3, 1, 0", "2, 2, 0, 1", "-1, -4, 1, 0"})
    void maxPassesTheGradientToTheLargerInput(double x, double y, double dx, double dy) {
        GradientSet result = Engine.gradients(MAX, Map.of("x", Tensor.scalar(x), "y", Tensor.scalar(y)));

        assertThat(result.output().item()).isEqualTo(Math.max(x, y));
        assertThat(result.inputs().get("x").item()).isEqualTo(dx);
        assertThat(result.inputs().get("y").item()).isEqualTo(dy);
    }

    @ParameterizedTest
    @CsvSource({"2.5, 1", "0, 0", "-3, 0"})
    void reluDerivativeIsOneAboveZeroAndZeroOtherwise(double x, double derivative) {
        assertThat(Engine.gradients(RELU, Map.of("x", Tensor.scalar(x))).inputs().get("x").item())
                .isEqualTo(derivative);
    }
}
