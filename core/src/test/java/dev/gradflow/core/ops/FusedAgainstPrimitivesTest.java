package dev.gradflow.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.tape.BackwardPass;
import dev.gradflow.core.tape.ForwardPass;
import dev.gradflow.core.tape.GradientSet;
import dev.gradflow.core.tape.Tape;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Json;
import dev.gradflow.core.wire.TapeRecord;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every composite op (a fused kernel) against the same computation built from primitives: same value, same
 * gradient, to rounding.
 */
class FusedAgainstPrimitivesTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(5);

    private static Tensor random(int rows, int columns, double low, double high) {
        double[] data = new double[rows * columns];
        for (int i = 0; i < data.length; i++) {
            data[i] = RANDOM.nextDouble(low, high);
        }
        return Tensor.of(new int[] {rows, columns}, data);
    }

    private static GradientSet run(String definition, Map<String, Tensor> feeds) {
        CompiledGraph graph = Engine.compile(definition);
        return BackwardPass.run(ForwardPass.record(graph, feeds));
    }

    private static void assertSame(GradientSet fused, GradientSet primitives, String input) {
        assertThat(fused.output().item()).isCloseTo(primitives.output().item(), within(1e-12));
        double[] a = fused.inputs().get(input).toDoubleArray();
        double[] b = primitives.inputs().get(input).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(b[i], within(1e-12));
        }
    }

    private static String graph(String inputs, String nodes) {
        return """
                {"kind": "graph", "inputs": {%s}, "targets": {"t": {"shape": [4, 3]}},
                 "constants": {"one": {"value": 1}, "half": {"value": 0.5}, "tiny": {"value": 1e-7}},
                 "nodes": [%s], "output": "loss"}""".formatted(inputs, nodes);
    }

    @Test
    void softmaxIsExpOverSumOfExp() {
        Map<String, Tensor> feeds = Map.of("x", random(4, 3, -3, 3), "t", random(4, 3, -1, 1));
        String input = "\"x\": {\"shape\": [4, 3]}";
        GradientSet fused = run(graph(input, """
                {"name": "s", "op": "softmax", "inputs": ["x"]},
                {"name": "w", "op": "mul", "inputs": ["s", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        GradientSet primitives = run(graph(input, """
                {"name": "e", "op": "exp", "inputs": ["x"]},
                {"name": "z", "op": "sum", "inputs": ["e"], "axis": 1},
                {"name": "z2", "op": "reshape", "inputs": ["z"], "shape": [4, 1]},
                {"name": "s", "op": "div", "inputs": ["e", "z2"]},
                {"name": "w", "op": "mul", "inputs": ["s", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        assertSame(fused, primitives, "x");
    }

    @Test
    void sigmoidIsOneOverOnePlusExpOfMinusX() {
        Map<String, Tensor> feeds = Map.of("x", random(4, 3, -4, 4), "t", random(4, 3, -1, 1));
        String input = "\"x\": {\"shape\": [4, 3]}";
        GradientSet fused = run(graph(input, """
                {"name": "s", "op": "sigmoid", "inputs": ["x"]},
                {"name": "w", "op": "mul", "inputs": ["s", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        GradientSet primitives = run(graph(input, """
                {"name": "n", "op": "neg", "inputs": ["x"]},
                {"name": "e", "op": "exp", "inputs": ["n"]},
                {"name": "d", "op": "add", "inputs": ["one", "e"]},
                {"name": "s", "op": "div", "inputs": ["one", "d"]},
                {"name": "w", "op": "mul", "inputs": ["s", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        assertSame(fused, primitives, "x");
    }

    @Test
    void tanhIsTwoSigmoidOfTwoXMinusOne() {
        Map<String, Tensor> feeds = Map.of("x", random(4, 3, -2, 2), "t", random(4, 3, -1, 1));
        String input = "\"x\": {\"shape\": [4, 3]}";
        GradientSet fused = run(graph(input, """
                {"name": "h", "op": "tanh", "inputs": ["x"]},
                {"name": "w", "op": "mul", "inputs": ["h", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        // tanh(x) = (e^x − e^−x) / (e^x + e^−x)
        GradientSet primitives = run(graph(input, """
                {"name": "p", "op": "exp", "inputs": ["x"]},
                {"name": "nx", "op": "neg", "inputs": ["x"]},
                {"name": "m", "op": "exp", "inputs": ["nx"]},
                {"name": "num", "op": "sub", "inputs": ["p", "m"]},
                {"name": "den", "op": "add", "inputs": ["p", "m"]},
                {"name": "h", "op": "div", "inputs": ["num", "den"]},
                {"name": "w", "op": "mul", "inputs": ["h", "t"]},
                {"name": "loss", "op": "sum", "inputs": ["w"]}"""), feeds);
        assertSame(fused, primitives, "x");
    }

    @Test
    void softmaxCrossEntropyIsSoftmaxThenCategoricalCrossEntropy() {
        Tensor logits = random(4, 3, -2, 2);
        Tensor oneHot = Tensor.matrix(new double[][] {{1, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 0, 1}});
        Map<String, Tensor> feeds = Map.of("x", logits, "t", oneHot);
        String input = "\"x\": {\"shape\": [4, 3]}";
        GradientSet fused = run(graph(input, """
                {"name": "loss", "op": "softmax-cross-entropy", "inputs": ["x", "t"]}"""), feeds);
        GradientSet composed = run(graph(input, """
                {"name": "s", "op": "softmax", "inputs": ["x"]},
                {"name": "loss", "op": "categorical-cross-entropy", "inputs": ["s", "t"]}"""), feeds);
        GradientSet primitives = run(graph(input, """
                {"name": "s", "op": "softmax", "inputs": ["x"]},
                {"name": "c", "op": "clip", "inputs": ["s"], "min": 1e-7, "max": 0.9999999},
                {"name": "l", "op": "log", "inputs": ["c"]},
                {"name": "w", "op": "mul", "inputs": ["l", "t"]},
                {"name": "r", "op": "sum", "inputs": ["w"], "axis": 1},
                {"name": "m", "op": "mean", "inputs": ["r"]},
                {"name": "loss", "op": "neg", "inputs": ["m"]}"""), feeds);
        assertSame(fused, composed, "x");
        assertSame(composed, primitives, "x");
    }

    @Test
    void binaryCrossEntropyIsItsFormulaInPrimitives() {
        Map<String, Tensor> feeds = Map.of("x", random(4, 3, -2, 2),
                "t", Tensor.matrix(new double[][] {{1, 0, 1}, {0, 0, 1}, {1, 1, 0}, {0, 1, 1}}));
        String input = "\"x\": {\"shape\": [4, 3]}";
        GradientSet fused = run(graph(input, """
                {"name": "p", "op": "sigmoid", "inputs": ["x"]},
                {"name": "loss", "op": "binary-cross-entropy", "inputs": ["p", "t"]}"""), feeds);
        // −mean(t·log p + (1 − t)·log(1 − p))
        GradientSet primitives = run(graph(input, """
                {"name": "p", "op": "sigmoid", "inputs": ["x"]},
                {"name": "c", "op": "clip", "inputs": ["p"], "min": 1e-7, "max": 0.9999999},
                {"name": "lp", "op": "log", "inputs": ["c"]},
                {"name": "a", "op": "mul", "inputs": ["t", "lp"]},
                {"name": "q", "op": "sub", "inputs": ["one", "c"]},
                {"name": "lq", "op": "log", "inputs": ["q"]},
                {"name": "nt", "op": "sub", "inputs": ["one", "t"]},
                {"name": "b", "op": "mul", "inputs": ["nt", "lq"]},
                {"name": "ab", "op": "add", "inputs": ["a", "b"]},
                {"name": "m", "op": "mean", "inputs": ["ab"]},
                {"name": "loss", "op": "neg", "inputs": ["m"]}"""), feeds);
        assertSame(fused, primitives, "x");
    }

    @Test
    void meanSquaredAndAbsoluteErrorsAreTheirFormulasInPrimitives() {
        Map<String, Tensor> feeds = Map.of("x", random(4, 3, -2, 2), "t", random(4, 3, -2, 2));
        String input = "\"x\": {\"shape\": [4, 3]}";
        assertSame(run(graph(input, """
                {"name": "loss", "op": "mean-squared-error", "inputs": ["x", "t"]}"""), feeds),
                run(graph(input, """
                {"name": "d", "op": "sub", "inputs": ["x", "t"]},
                {"name": "s", "op": "pow", "inputs": ["d"], "exponent": 2},
                {"name": "loss", "op": "mean", "inputs": ["s"]}"""), feeds), "x");
        assertSame(run(graph(input, """
                {"name": "loss", "op": "mean-absolute-error", "inputs": ["x", "t"]}"""), feeds),
                run(graph(input, """
                {"name": "d", "op": "sub", "inputs": ["x", "t"]},
                {"name": "a", "op": "abs", "inputs": ["d"]},
                {"name": "loss", "op": "mean", "inputs": ["a"]}"""), feeds), "x");
    }

    /**
     * A layer list lowered to fused dense ops against the same list lowered to matmul → add → activation: values
     * and every gradient bit-identical, in both dtypes, for every activation a dense op fuses (and softmax, which
     * it does not), with penalties and dropout in between; and the fused tape replayed after a trip through the
     * wire gives the same bits again.
     */
    @Test
    void denseLayersAreBitIdenticalToMatmulAddActivation() {
        for (String dtype : new String[] {"float64", "float32"}) {
            for (String[] activations : new String[][] {
                {"relu", "relu", "linear"}, {"sigmoid", "tanh", "sigmoid"}, {"tanh", "linear", "softmax"},
                {"softmax", "relu", "tanh"}}) {
                String definition = """
                        {"kind": "layers", "dtype": "%s", "inputSize": 5, "seed": 11,
                         "layers": [
                           {"type": "dense", "units": 7, "activation": "%s", "weightRegularizerL2": 0.01,
                            "biasRegularizerL1": 0.02},
                           {"type": "dropout", "rate": 0.25},
                           {"type": "dense", "units": 6, "activation": "%s"},
                           {"type": "relu"},
                           {"type": "dense", "units": 3, "activation": "%s"}],
                         "loss": "%s"}""".formatted(dtype, activations[0], activations[1], activations[2],
                        activations[2].equals("softmax") ? "softmax-cross-entropy" : "mean-squared-error");
                LayerDefinition layers = (LayerDefinition) new DefinitionParser(Limits.DEFAULT)
                        .parse(Json.parse(definition));
                CompiledGraph fused = GraphCompiler.compile(layers, Limits.DEFAULT);
                CompiledGraph primitives = GraphCompiler.compile(GraphCompiler.lowerToPrimitives(layers),
                        Limits.DEFAULT);
                assertThat(fused.nodes().stream().filter(n -> n.op() != null).map(n -> n.op().name()))
                        .contains("dense").doesNotContain("matmul");

                DType type = DType.fromLabel(dtype);
                double[] x = new double[4 * 5];
                for (int i = 0; i < x.length; i++) {
                    x[i] = RANDOM.nextDouble(-2, 2);
                }
                Tensor y = activations[2].equals("softmax") ? Tensor.of(type, new int[] {4}, new double[] {0, 2, 1, 2})
                        : Tensor.of(type, new int[] {4, 3}, new double[] {
                            0.5, -1, 0.25, 1, 0, -0.5, 0.75, 0.5, 0, -1, 1, 0.125});
                Map<String, Tensor> feeds = Map.of("x", Tensor.of(type, new int[] {4, 5}, x), "y", y);

                Tape fusedTape = ForwardPass.record(fused, feeds, 9);
                GradientSet expected = BackwardPass.run(ForwardPass.record(primitives, feeds, 9));
                GradientSet actual = BackwardPass.run(fusedTape);
                String what = dtype + " " + String.join(", ", activations);
                assertThat(actual).as(what).isEqualTo(expected);
                assertThat(actual.output().dtype()).isEqualTo(type);
                GradientSet replayed = BackwardPass.run(TapeRecord.decode(
                        TapeRecord.ok("b", "n", fusedTape).encode()).tape());
                assertThat(replayed).as(what + ", replayed from the wire").isEqualTo(expected);
            }
        }
    }

    /**
     * The dense op alone against its three primitives, both dtypes, each activation: on a small layer, and on one
     * whose output (512 × 160) is large enough that bias, activation, its gradient and the column sums run in
     * ranges on the products' threads ({@link dev.gradflow.core.kernels.ParallelRanges}) while the primitives run
     * on one thread.
     */
    @ParameterizedTest
    @CsvSource({"6, 4, 5", "512, 64, 160"})
    void theDenseOpIsMatmulAddActivation(int rows, int in, int out) {
        for (DType dtype : DType.values()) {
            for (Dense.Activation activation : Dense.Activation.values()) {
                Tensor x = random(rows, in, -2, 2).cast(dtype);
                Tensor w = random(in, out, -1, 1).cast(dtype);
                Tensor b = random(1, out, -1, 1).cast(dtype).reshape(out);
                Tensor g = random(rows, out, -1, 1).cast(dtype);
                Forward fused = new Dense(activation).forward(new Tensor[] {x, w, b});
                Forward product = new MatMul().forward(new Tensor[] {x, w});
                Forward sum = new Add().forward(new Tensor[] {product.output(), b});
                Op primitive = switch (activation) {
                    case LINEAR -> null;
                    case RELU -> new Relu();
                    case SIGMOID -> new Sigmoid();
                    case TANH -> new Tanh();
                };
                Forward activated = primitive == null ? sum : primitive.forward(new Tensor[] {sum.output()});
                assertThat(fused.output()).as("%s %s forward", dtype, activation).isEqualTo(activated.output());

                Tensor d = primitive == null ? g : primitive.backward(new BackwardContext(activated.saved(),
                        new int[][] {sum.output().shape()}), g)[0];
                Tensor[] addGradients = new Add().backward(new BackwardContext(sum.saved(),
                        new int[][] {product.output().shape(), b.shape()}), d);
                Tensor[] productGradients = new MatMul().backward(new BackwardContext(product.saved(),
                        new int[][] {x.shape(), w.shape()}), addGradients[0]);
                Tensor[] gradients = new Dense(activation).backward(new BackwardContext(fused.saved(),
                        new int[][] {x.shape(), w.shape(), b.shape()}), g);
                assertThat(gradients).as("%s %s backward", dtype, activation)
                        .containsExactly(productGradients[0], productGradients[1], addGradients[1]);
                // The scratch buffer is reused by the next call; the gradients handed out must not change.
                Tensor[] again = new Dense(activation).backward(new BackwardContext(fused.saved(),
                        new int[][] {x.shape(), w.shape(), b.shape()}), g.cast(DType.FLOAT64).cast(dtype));
                assertThat(again).containsExactly(gradients);
                assertThat(gradients).containsExactly(productGradients[0], productGradients[1], addGradients[1]);
            }
        }
    }
}
