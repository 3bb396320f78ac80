package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worked examples of Neural Networks from Scratch for the losses and activations. */
class BookExamplesTest {
    private static final Tensor SOFTMAX_OUTPUTS = Tensor.matrix(new double[][] {
        {0.7, 0.1, 0.2}, {0.1, 0.5, 0.4}, {0.02, 0.9, 0.08}});
    private static final Tensor CLASS_TARGETS = Tensor.vector(0, 1, 1);

    @Test
    void categoricalCrossEntropyOfTheBooksBatch() {
        Forward forward = new CategoricalCrossEntropy().forward(new Tensor[] {SOFTMAX_OUTPUTS, CLASS_TARGETS});
        // −(log 0.7 + log 0.5 + log 0.9) / 3 = 0.38506088005216804
        assertThat(forward.output().item()).isCloseTo(0.38506088005216804, within(1e-15));
    }

    @Test
    void softmaxThenCrossEntropyGivesTheBooksCombinedGradient() {
        // Backward through categorical-cross-entropy, then through softmax, on the book's softmax outputs.
        Tensor[] lossGradient = new CategoricalCrossEntropy().backward(new BackwardContext(
                List.of(SOFTMAX_OUTPUTS, CLASS_TARGETS), new int[][] {{3, 3}, {3}}), Tensor.scalar(1));
        Tensor[] logitsGradient = new Softmax().backward(new BackwardContext(List.of(SOFTMAX_OUTPUTS),
                new int[][] {{3, 3}}), lossGradient[0]);
        double[] expected = {-0.1, 0.0333, 0.0667, 0.0333, -0.1667, 0.1333, 0.0067, -0.0333, 0.0267};
        for (int i = 0; i < expected.length; i++) {
            assertThat(logitsGradient[0].toDoubleArray()[i]).as("element %d", i).isCloseTo(expected[i], within(5e-5));
        }
        // and the fused form, (ŷ − y)/N, gives the same numbers to rounding
        Tensor[] fused = new SoftmaxCrossEntropy().backward(new BackwardContext(
                List.of(SOFTMAX_OUTPUTS, CLASS_TARGETS), new int[][] {{3, 3}, {3}}), Tensor.scalar(1));
        for (int i = 0; i < expected.length; i++) {
            assertThat(fused[0].toDoubleArray()[i]).isCloseTo(logitsGradient[0].toDoubleArray()[i], within(1e-15));
        }
    }

    @Test
    void clippingKeepsCategoricalCrossEntropyFiniteAndZeroesTheClippedGradient() {
        Tensor confident = Tensor.matrix(new double[][] {{1.0, 0.0}});
        Forward forward = new CategoricalCrossEntropy().forward(new Tensor[] {confident, Tensor.vector(1)});
        assertThat(forward.output().item()).isCloseTo(-Math.log(1e-7), within(1e-9));
        Tensor[] gradient = new CategoricalCrossEntropy().backward(new BackwardContext(forward.saved(),
                new int[][] {{1, 2}, {1}}), Tensor.scalar(1));
        assertThat(gradient[0].toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void sigmoidTanhAndBinaryCrossEntropyByHand() {
        assertThat(new Sigmoid().forward(new Tensor[] {Tensor.vector(0, 1000, -1000)}).output().toDoubleArray())
                .containsExactly(0.5, 1.0, 0.0);
        Forward sigmoid = new Sigmoid().forward(new Tensor[] {Tensor.vector(0)});
        assertThat(new Sigmoid().backward(new BackwardContext(sigmoid.saved(), new int[][] {{1}}),
                Tensor.vector(1))[0].item()).isEqualTo(0.25);
        Forward tanh = new Tanh().forward(new Tensor[] {Tensor.vector(0.5)});
        assertThat(new Tanh().backward(new BackwardContext(tanh.saved(), new int[][] {{1}}), Tensor.vector(1))[0]
                .item()).isCloseTo(1 - Math.pow(Math.tanh(0.5), 2), within(1e-16));
        // BCE of p = [0.8, 0.3] against t = [1, 0]: −(log 0.8 + log 0.7)/2
        Forward bce = new BinaryCrossEntropy().forward(new Tensor[] {Tensor.vector(0.8, 0.3), Tensor.vector(1, 0)});
        assertThat(bce.output().item()).isCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, within(1e-15));
        Tensor[] gradient = new BinaryCrossEntropy().backward(new BackwardContext(bce.saved(), new int[][] {{2}, {2}}),
                Tensor.scalar(1));
        assertThat(gradient[0].toDoubleArray()[0]).isCloseTo(-1 / 0.8 / 2, within(1e-15));
        assertThat(gradient[0].toDoubleArray()[1]).isCloseTo(1 / 0.7 / 2, within(1e-15));
    }

    @Test
    void primitivesByHand() {
        Tensor x = Tensor.vector(-2, 0, 4);
        assertThat(new Abs().forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(2, 0, 4);
        assertThat(new Abs().backward(new BackwardContext(List.of(x), new int[][] {{3}}), Tensor.vector(1, 1, 1))[0]
                .toDoubleArray()).containsExactly(-1, 0, 1);
        Forward sqrt = new Sqrt().forward(new Tensor[] {Tensor.vector(4, 9)});
        assertThat(sqrt.output().toDoubleArray()).containsExactly(2, 3);
        assertThat(new Sqrt().backward(new BackwardContext(sqrt.saved(), new int[][] {{2}}), Tensor.vector(1, 1))[0]
                .toDoubleArray()).containsExactly(0.25, 1.0 / 6);
        Tensor[] min = new Minimum().backward(new BackwardContext(List.of(Tensor.vector(1, 5, 2), Tensor.vector(3, 3, 2)),
                new int[][] {{3}, {3}}), Tensor.vector(1, 1, 1));
        assertThat(min[0].toDoubleArray()).containsExactly(1, 0, 0);
        assertThat(min[1].toDoubleArray()).containsExactly(0, 1, 1);
        Clip clip = new Clip(-1, 1);
        Tensor values = Tensor.vector(-3, -1, 0.5, 1, 2);
        assertThat(clip.forward(new Tensor[] {values}).output().toDoubleArray()).containsExactly(-1, -1, 0.5, 1, 1);
        assertThat(clip.backward(new BackwardContext(List.of(values), new int[][] {{5}}), Tensor.vector(1, 1, 1, 1, 1))[0]
                .toDoubleArray()).containsExactly(0, 0, 1, 0, 0);
        Tensor matrix = Tensor.matrix(new double[][] {{1, 7, 7}, {4, 2, 6}});
        Forward max = new ReduceMax(1).forward(new Tensor[] {matrix});
        assertThat(max.output().toDoubleArray()).containsExactly(7, 6);
        assertThat(new ReduceMax(1).backward(new BackwardContext(max.saved(), new int[][] {{2, 3}}),
                Tensor.vector(10, 20))[0].toDoubleArray()).as("ties go to the first maximum").containsExactly(0, 10, 0, 0, 0, 20);
        assertThat(new Reshape(new int[] {3, -1}).forward(new Tensor[] {matrix}).output().shape()).containsExactly(3, 2);
        Forward mae = new MeanAbsoluteError().forward(new Tensor[] {Tensor.vector(1, 2, 3), Tensor.vector(2, 2, 0)});
        assertThat(mae.output().item()).isEqualTo(4.0 / 3);
    }

    @Test
    void dropoutZeroesAboutTheRateAndScalesTheRestAndItsGradientUsesTheSameMask() {
        Tensor ones = Tensor.filled(DType.FLOAT64, new int[] {100, 100}, 1);
        Dropout dropout = new Dropout(0.3, 42);
        Forward forward = dropout.forward(new Tensor[] {ones});
        long zeros = Arrays.stream(forward.output().toDoubleArray()).filter(v -> v == 0).count();
        assertThat(zeros).isBetween(2700L, 3300L);
        assertThat(Arrays.stream(forward.output().toDoubleArray()).filter(v -> v != 0))
                .allSatisfy(v -> assertThat(v).isEqualTo(1 / 0.7));
        Tensor[] gradient = dropout.backward(new BackwardContext(forward.saved(), new int[][] {{100, 100}}), ones);
        assertThat(gradient[0]).isEqualTo(forward.output());
        assertThat(dropout.forward(new Tensor[] {ones}).output()).as("same seed, same mask").isEqualTo(forward.output());
        assertThat(dropout.forBatch(1).forward(new Tensor[] {ones}).output())
                .as("another batch, another mask").isNotEqualTo(forward.output());
    }
}
