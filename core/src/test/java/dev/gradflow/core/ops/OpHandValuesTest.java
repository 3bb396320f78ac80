package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each op's forward and backward on values small enough to compute by hand. */
class OpHandValuesTest {
    private static final Tensor A = Tensor.matrix(new double[][] {{1, -2}, {3, 4}});
    private static final Tensor B = Tensor.matrix(new double[][] {{5, 6}, {-7, 8}});
    private static final Tensor ONES = Tensor.matrix(new double[][] {{1, 1}, {1, 1}});

    private static Tensor[] backward(Op op, Tensor gradient, Tensor... inputs) {
        Forward forward = op.forward(inputs);
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape();
        }
        return op.backward(new BackwardContext(forward.saved(), shapes), gradient);
    }

    @Test
    void addBroadcastsARowAndSumsItsGradientOverRows() {
        Tensor bias = Tensor.vector(10, 20);
        assertThat(new Add().forward(new Tensor[] {A, bias}).output().toDoubleArray()).containsExactly(11, 18, 13, 24);
        Tensor[] grads = backward(new Add(), ONES, A, bias);
        assertThat(grads[0].toDoubleArray()).containsExactly(1, 1, 1, 1);
        assertThat(grads[1].shape()).containsExactly(2);
        assertThat(grads[1].toDoubleArray()).containsExactly(2, 2);
    }

    @Test
    void subNegatesTheSecondGradient() {
        assertThat(new Sub().forward(new Tensor[] {A, B}).output().toDoubleArray()).containsExactly(-4, -8, 10, -4);
        Tensor[] grads = backward(new Sub(), ONES, A, B);
        assertThat(grads[0].toDoubleArray()).containsExactly(1, 1, 1, 1);
        assertThat(grads[1].toDoubleArray()).containsExactly(-1, -1, -1, -1);
    }

    @Test
    void mulGradientIsTheOtherInput() {
        assertThat(new Mul().forward(new Tensor[] {A, B}).output().toDoubleArray()).containsExactly(5, -12, -21, 32);
        Tensor[] grads = backward(new Mul(), ONES, A, B);
        assertThat(grads[0]).isEqualTo(B);
        assertThat(grads[1]).isEqualTo(A);
    }

    @Test
    void mulByAScalarSumsTheScalarsGradient() {
        Tensor[] grads = backward(new Mul(), ONES, A, Tensor.scalar(3));
        assertThat(grads[0].toDoubleArray()).containsExactly(3, 3, 3, 3);
        assertThat(grads[1].item()).isEqualTo(1 - 2 + 3 + 4);
    }

    @Test
    void divGradients() {
        Tensor a = Tensor.vector(6, 1);
        Tensor b = Tensor.vector(3, -2);
        assertThat(new Div().forward(new Tensor[] {a, b}).output().toDoubleArray()).containsExactly(2, -0.5);
        Tensor[] grads = backward(new Div(), Tensor.vector(1, 1), a, b);
        assertThat(grads[0].toDoubleArray()).containsExactly(1.0 / 3, -0.5);
        assertThat(grads[1].toDoubleArray()).containsExactly(-6.0 / 9, -1.0 / 4);
    }

    @Test
    void negGradientIsMinusOne() {
        assertThat(new Neg().forward(new Tensor[] {A}).output().toDoubleArray()).containsExactly(-1, 2, -3, -4);
        assertThat(backward(new Neg(), ONES, A)[0].toDoubleArray()).containsExactly(-1, -1, -1, -1);
    }

    @Test
    void powGradientIsCTimesXToTheCMinusOne() {
        Tensor x = Tensor.vector(2, -3);
        assertThat(new Pow(3).forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(8, -27);
        assertThat(backward(new Pow(3), Tensor.vector(1, 1), x)[0].toDoubleArray()).containsExactly(12, 27);
        assertThat(backward(new Pow(0), Tensor.vector(1, 1), x)[0].toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void maxSendsTheGradientToTheLargerInputAndTiesToTheSecond() {
        Tensor a = Tensor.vector(3, 5, 2);
        Tensor b = Tensor.vector(5, 3, 2);
        assertThat(new Maximum().forward(new Tensor[] {a, b}).output().toDoubleArray()).containsExactly(5, 5, 2);
        Tensor[] grads = backward(new Maximum(), Tensor.vector(7, 7, 7), a, b);
        assertThat(grads[0].toDoubleArray()).containsExactly(0, 7, 0);
        assertThat(grads[1].toDoubleArray()).containsExactly(7, 0, 7);
    }

    @Test
    void reluDerivativeIsZeroAtZero() {
        Tensor x = Tensor.vector(-1, 0, 2);
        assertThat(new Relu().forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(0, 0, 2);
        assertThat(backward(new Relu(), Tensor.vector(5, 5, 5), x)[0].toDoubleArray()).containsExactly(0, 0, 5);
    }

    @Test
    void expAndLog() {
        Tensor x = Tensor.vector(0, 1);
        assertThat(backward(new Exp(), Tensor.vector(1, 2), x)[0].toDoubleArray()).containsExactly(1, 2 * Math.E);
        Tensor y = Tensor.vector(2, 0.5);
        assertThat(new Log().forward(new Tensor[] {y}).output().toDoubleArray()).containsExactly(Math.log(2), Math.log(0.5));
        assertThat(backward(new Log(), Tensor.vector(1, 1), y)[0].toDoubleArray()).containsExactly(0.5, 2);
    }

    @Test
    void matmulGradientsAreTransposedProducts() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3}});
        Tensor w = Tensor.matrix(new double[][] {{1, 0}, {0, 1}, {1, 1}});
        assertThat(new MatMul().forward(new Tensor[] {x, w}).output().toDoubleArray()).containsExactly(4, 5);
        Tensor g = Tensor.matrix(new double[][] {{1, 10}});
        Tensor[] grads = backward(new MatMul(), g, x, w);
        // G·Wᵀ = [1·1 + 10·0, 1·0 + 10·1, 1·1 + 10·1]
        assertThat(grads[0].toDoubleArray()).containsExactly(1, 10, 11);
        // Xᵀ·G = [[1, 10], [2, 20], [3, 30]]
        assertThat(grads[1].toDoubleArray()).containsExactly(1, 10, 2, 20, 3, 30);
    }

    @Test
    void matmulRejectsMismatchedInnerDimensions() {
        assertThatThrownBy(() -> new MatMul().outputShape(new int[][] {{2, 3}, {2, 3}}))
                .hasMessageContaining("inner dimensions differ, [2, 3] · [2, 3]");
    }

    @Test
    void transposeAndItsGradient() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(new Transpose().forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(1, 4, 2, 5, 3, 6);
        Tensor g = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        assertThat(backward(new Transpose(), g, x)[0].toDoubleArray()).containsExactly(1, 3, 5, 2, 4, 6);
    }

    @Test
    void sumAndMeanWholeAndAlongAnAxis() {
        Tensor x = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertThat(new Sum(null).forward(new Tensor[] {x}).output().item()).isEqualTo(21);
        assertThat(new Sum(0).forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(5, 7, 9);
        assertThat(new Sum(1).forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(6, 15);
        assertThat(new Mean(null).forward(new Tensor[] {x}).output().item()).isEqualTo(3.5);
        assertThat(new Mean(1).forward(new Tensor[] {x}).output().toDoubleArray()).containsExactly(2, 5);
        assertThat(backward(new Sum(null), Tensor.scalar(2), x)[0].toDoubleArray()).containsExactly(2, 2, 2, 2, 2, 2);
        assertThat(backward(new Sum(0), Tensor.vector(1, 2, 3), x)[0].toDoubleArray()).containsExactly(1, 2, 3, 1, 2, 3);
        assertThat(backward(new Mean(1), Tensor.vector(3, 6), x)[0].toDoubleArray()).containsExactly(1, 1, 1, 2, 2, 2);
        assertThat(backward(new Mean(null), Tensor.scalar(6), x)[0].toDoubleArray()).containsExactly(1, 1, 1, 1, 1, 1);
    }

    @Test
    void softmaxCrossEntropyOnTheBooksExample() {
        // Logits whose softmax is exactly the book's probabilities: log(p) differs from the logits by a row constant.
        double[][] probabilities = {{0.7, 0.1, 0.2}, {0.1, 0.5, 0.4}, {0.02, 0.9, 0.08}};
        double[][] logits = new double[3][3];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                logits[r][c] = Math.log(probabilities[r][c]);
            }
        }
        Tensor z = Tensor.matrix(logits);
        Tensor targets = Tensor.vector(0, 1, 1);
        double loss = new SoftmaxCrossEntropy().forward(new Tensor[] {z, targets}).output().item();
        assertThat(loss).isCloseTo(-(Math.log(0.7) + Math.log(0.5) + Math.log(0.9)) / 3, within(1e-15));

        Tensor[] grads = backward(new SoftmaxCrossEntropy(), Tensor.scalar(1), z, targets);
        double[] expected = {-0.1, 0.0333, 0.0667, 0.0333, -0.1667, 0.1333, 0.0067, -0.0333, 0.0267};
        for (int i = 0; i < expected.length; i++) {
            assertThat(grads[0].toDoubleArray()[i]).isCloseTo(expected[i], within(5e-5));
        }
        assertThat(grads[1]).as("targets are not differentiated").isNull();

        Tensor oneHot = Tensor.matrix(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 0}});
        assertThat(backward(new SoftmaxCrossEntropy(), Tensor.scalar(1), z, oneHot)[0].toDoubleArray())
                .containsExactly(grads[0].toDoubleArray(), within(1e-16));
    }

    @Test
    void softmaxCrossEntropyStaysFiniteForHugeLogits() {
        Tensor z = Tensor.matrix(new double[][] {{1000, -1000}});
        double loss = new SoftmaxCrossEntropy().forward(new Tensor[] {z, Tensor.vector(1)}).output().item();
        assertThat(loss).isEqualTo(2000);
    }

    @Test
    void softmaxCrossEntropyRejectsAClassIdOutOfRange() {
        Tensor z = Tensor.matrix(new double[][] {{1, 2}});
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().forward(new Tensor[] {z, Tensor.vector(2)}))
                .hasMessage("softmax-cross-entropy: target 2.0 in row 0 is not a class id in [0, 2)");
        assertThatThrownBy(() -> new SoftmaxCrossEntropy().forward(new Tensor[] {z, Tensor.vector(0.5)}))
                .hasMessageContaining("is not a class id");
    }

    @Test
    void meanSquaredError() {
        Tensor p = Tensor.vector(1, 2, 3, 4);
        Tensor t = Tensor.vector(0, 2, 5, 4);
        assertThat(new MeanSquaredError().forward(new Tensor[] {p, t}).output().item()).isEqualTo((1 + 0 + 4 + 0) / 4.0);
        Tensor[] grads = backward(new MeanSquaredError(), Tensor.scalar(1), p, t);
        assertThat(grads[0].toDoubleArray()).containsExactly(0.5, 0, -1, 0);
        assertThat(grads[1].toDoubleArray()).containsExactly(new double[] {-0.5, 0, 1, 0}, within(0.0));
    }

    @Test
    void opSetKnowsEveryOpByNameAndRejectsOthers() {
        assertThat(OpSet.NAMES).containsExactly("abs", "add", "binary-cross-entropy", "categorical-cross-entropy",
                "clip", "dense", "div", "dropout", "exp", "log", "matmul", "max", "mean", "mean-absolute-error",
                "mean-squared-error", "min", "mul", "neg", "pow", "reduce-max", "relu", "reshape", "sigmoid", "softmax",
                "softmax-cross-entropy", "sqrt", "sub", "sum", "tanh", "transpose");
        Map<String, double[]> attributes = Map.of("pow", new double[] {2}, "clip", new double[] {-1, 1},
                "reshape", new double[] {-1}, "dropout", new double[] {0.5, 0, 7}, "dense", new double[] {1});
        for (String name : OpSet.NAMES) {
            Op op = OpSet.fromTape(name, attributes.getOrDefault(name, new double[0]));
            assertThat(op.name()).isEqualTo(name);
            assertThat(OpSet.fromTape(name, op.attributes())).as("attributes round-trip").isEqualTo(op);
        }
        assertThatThrownBy(() -> OpSet.fromTape("gelu", new double[0]))
                .isInstanceOf(UnknownOpException.class)
                .hasMessageStartingWith("unknown op 'gelu', expected one of [abs, add, binary-cross-entropy");
    }
}
