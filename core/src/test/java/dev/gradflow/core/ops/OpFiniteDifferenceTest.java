package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gradflow.core.tensor.Broadcast;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op's backward against central differences of its own forward, on random inputs, including broadcasting
 * shapes. The scalar checked is {@code Σ op(inputs) · r} for a fixed random r, so every output element matters.
 */
class OpFiniteDifferenceTest {
    private static final double STEP = 1e-5;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(new Add(), new int[][] {{3, 4}, {4}}, positive(false)),
                Arguments.of(new Add(), new int[][] {{2, 1, 3}, {4, 1}}, positive(false)),
                Arguments.of(new Sub(), new int[][] {{3, 4}, {3, 1}}, positive(false)),
                Arguments.of(new Mul(), new int[][] {{3, 4}, {}}, positive(false)),
                Arguments.of(new Mul(), new int[][] {{2, 3}, {2, 3}}, positive(false)),
                Arguments.of(new Div(), new int[][] {{3, 4}, {4}}, positive(true)),
                Arguments.of(new Neg(), new int[][] {{5}}, positive(false)),
                Arguments.of(new Pow(3), new int[][] {{2, 3}}, positive(false)),
                Arguments.of(new Pow(-1.5), new int[][] {{2, 3}}, positive(true)),
                Arguments.of(new Maximum(), new int[][] {{3, 4}, {4}}, positive(false)),
                Arguments.of(new Relu(), new int[][] {{4, 5}}, positive(false)),
                Arguments.of(new Exp(), new int[][] {{3, 2}}, positive(false)),
                Arguments.of(new Log(), new int[][] {{3, 2}}, positive(true)),
                Arguments.of(new MatMul(), new int[][] {{3, 4}, {4, 5}}, positive(false)),
                Arguments.of(new Transpose(), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Sum(null), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Sum(1), new int[][] {{2, 3, 4}}, positive(false)),
                Arguments.of(new Mean(0), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Mean(null), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new MeanSquaredError(), new int[][] {{3, 4}, {3, 4}}, positive(false)),
                Arguments.of(new SoftmaxCrossEntropy(), new int[][] {{4, 5}, {4, 5}}, positive(true)),
                Arguments.of(new Minimum(), new int[][] {{3, 4}, {1, 4}}, positive(false)),
                Arguments.of(new Abs(), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Sqrt(), new int[][] {{3, 4}}, positive(true)),
                Arguments.of(new Clip(-1, 1), new int[][] {{4, 5}}, positive(false)),
                Arguments.of(new Sigmoid(), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Tanh(), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new Softmax(), new int[][] {{3, 5}}, positive(false)),
                Arguments.of(new Softmax(), new int[][] {{2, 3, 4}}, positive(false)),
                Arguments.of(new Reshape(new int[] {-1, 2}), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new ReduceMax(null), new int[][] {{3, 4}}, positive(false)),
                Arguments.of(new ReduceMax(1), new int[][] {{2, 5, 3}}, positive(false)),
                Arguments.of(new Dropout(0.4, 11), new int[][] {{6, 7}}, positive(false)),
                Arguments.of(new CategoricalCrossEntropy(), new int[][] {{4, 5}, {4, 5}}, probability()),
                Arguments.of(new BinaryCrossEntropy(), new int[][] {{4, 3}, {4, 3}}, probability()),
                Arguments.of(new MeanAbsoluteError(), new int[][] {{3, 4}, {3, 4}}, positive(false)));
    }

    /** Inputs drawn from [0.5, 2] when the op needs positive values, otherwise from [-2, 2]. */
    private static Function<SplittableRandom, Double> positive(boolean positive) {
        return random -> positive ? random.nextDouble(0.5, 2) : random.nextDouble(-2, 2);
    }

    /** Inputs in [0.05, 0.95], for ops on probabilities. */
    private static Function<SplittableRandom, Double> probability() {
        return random -> random.nextDouble(0.05, 0.95);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void backwardMatchesCentralDifferences(Op op, int[][] shapes, Function<SplittableRandom, Double> draw) {
        SplittableRandom random = new SplittableRandom(op.name().hashCode());
        Tensor[] inputs = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            double[] data = new double[Shapes.size(shapes[i])];
            for (int j = 0; j < data.length; j++) {
                data[j] = draw.apply(random);
            }
            inputs[i] = Tensor.of(shapes[i], data);
        }
        Forward forward = op.forward(inputs);
        double[] weights = new double[forward.output().size()];
        for (int j = 0; j < weights.length; j++) {
            weights[j] = random.nextDouble(-1, 1);
        }
        Tensor r = Tensor.of(forward.output().shape(), weights);
        Tensor[] analytic = op.backward(new BackwardContext(forward.saved(), shapes), r);

        boolean targetsConstant = op instanceof SoftmaxCrossEntropy || op instanceof CategoricalCrossEntropy
                || op instanceof BinaryCrossEntropy;
        int differentiable = targetsConstant ? 1 : inputs.length;
        for (int i = 0; i < differentiable; i++) {
            for (int j = 0; j < inputs[i].size(); j++) {
                double numeric = stencil(op, inputs, r, i, j);
                double exact = analytic[i].toDoubleArray()[j];
                assertThat(Math.abs(exact - numeric))
                        .as("%s input %d element %d: backward %s, finite differences %s", op.name(), i, j, exact, numeric)
                        .isLessThanOrEqualTo(1e-6 * Math.max(1, Math.abs(numeric)));
            }
        }
    }

    private static double stencil(Op op, Tensor[] inputs, Tensor r, int input, int element) {
        double[] f = new double[4];
        double[] offsets = {STEP, -STEP, 2 * STEP, -2 * STEP};
        for (int k = 0; k < 4; k++) {
            Tensor[] shifted = inputs.clone();
            double[] data = inputs[input].toDoubleArray().clone();
            data[element] += offsets[k];
            shifted[input] = Tensor.of(inputs[input].shape(), data);
            Tensor output = op.forward(shifted).output();
            double total = 0;
            for (double v : Broadcast.apply(output, r, Broadcast.Arithmetic.MUL).toDoubleArray()) {
                total += v;
            }
            f[k] = total;
        }
        return (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * STEP);
    }
}
