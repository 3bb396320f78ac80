package dev.gradflow.core.tape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.GraphCompiler;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.testing.Engine;
import dev.gradflow.core.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackwardPassTest {

    @Test
    void aValueUsedTwiceReceivesBothContributions() {
        // f = x·x + 3x, so f'(x) = 2x + 3
        String definition = """
                {"kind": "graph", "inputs": {"x": {"shape": []}}, "constants": {"three": {"value": 3}},
                 "nodes": [{"name": "xx", "op": "mul", "inputs": ["x", "x"]},
                           {"name": "tx", "op": "mul", "inputs": ["three", "x"]},
                           {"name": "f", "op": "add", "inputs": ["xx", "tx"]}],
                 "output": "f"}""";
        GradientSet result = Engine.gradients(definition, Map.of("x", Tensor.scalar(5)));
        assertThat(result.output().item()).isEqualTo(40);
        assertThat(result.inputs().get("x").item()).isEqualTo(13);
    }

    @Test
    void aParameterThatDoesNotReachTheOutputGetsZeros() {
        String definition = """
                {"kind": "graph", "inputs": {"x": {"shape": [2]}},
                 "parameters": {"used": {"value": [1, 2]}, "unused": {"value": [[1, 2], [3, 4]]}},
                 "nodes": [{"name": "p", "op": "mul", "inputs": ["x", "used"]},
                           {"name": "f", "op": "sum", "inputs": ["p"]},
                           {"name": "dead", "op": "exp", "inputs": ["unused"]}],
                 "output": "f"}""";
        GradientSet result = Engine.gradients(definition, Map.of("x", Tensor.vector(3, 4)));
        assertThat(result.parameters().get("used").toDoubleArray()).containsExactly(3, 4);
        assertThat(result.parameters().get("unused")).isEqualTo(Tensor.zeros(DType.FLOAT64, 2, 2));
    }

    @Test
    void aTwentyThousandNodeChainNeedsNoRecursion() {
        int depth = 20_000;
        StringBuilder nodes = new StringBuilder();
        String previous = "x";
        for (int i = 0; i < depth; i++) {
            nodes.append(i == 0 ? "" : ",").append("{\"name\": \"n").append(i)
                    .append("\", \"op\": \"mul\", \"inputs\": [\"").append(previous).append("\", \"one\"]}");
            previous = "n" + i;
        }
        String definition = "{\"kind\": \"graph\", \"inputs\": {\"x\": {\"shape\": []}},"
                + " \"constants\": {\"one\": {\"value\": 1.0}}, \"nodes\": [" + nodes + "], \"output\": \""
                + previous + "\"}";
        Limits limits = new Limits(1 << 20, 50_000);
        CompiledGraph graph = GraphCompiler.compile(new DefinitionParser(limits).parse(Json.parse(definition)),
                limits);
        GradientSet result = BackwardPass.run(ForwardPass.record(graph, Map.of("x", Tensor.scalar(2))));
        assertThat(result.inputs().get("x").item()).isEqualTo(1.0);
    }

    @Test
    void anUnknownOpOnATapeFailsNamingTheNodeAndTheOp() {
        Tape tape = new Tape(DType.FLOAT64, List.of(
                TapeNode.leaf("x", NodeKind.INPUT, new int[0]),
                new TapeNode("y", NodeKind.OP, new int[0], "gelu", new double[0], new int[] {0}, List.of())),
                1, Tensor.scalar(0.5));
        assertThatThrownBy(() -> BackwardPass.run(tape))
                .isInstanceOf(TapeException.class)
                .hasMessageStartingWith("failed to compute gradient for node \"y\" (#1, op \"gelu\"): "
                        + "unknown op 'gelu'");
    }

    @Test
    void aTapeMissingASavedValueFailsNamingTheNode() {
        Tape tape = new Tape(DType.FLOAT64, List.of(
                TapeNode.leaf("x", NodeKind.INPUT, new int[0]),
                new TapeNode("y", NodeKind.OP, new int[0], "exp", new double[0], new int[] {0}, List.of())),
                1, Tensor.scalar(1));
        assertThatThrownBy(() -> BackwardPass.run(tape))
                .isInstanceOf(TapeException.class)
                .hasMessageContaining("node \"y\"")
                .hasMessageContaining("the tape records 0 saved tensors, fewer than its backward rule reads");
    }

    @Test
    void aTapeOutOfOrderIsRejected() {
        Tape tape = new Tape(DType.FLOAT64, List.of(
                new TapeNode("y", NodeKind.OP, new int[0], "neg", new double[0], new int[] {1}, List.of()),
                TapeNode.leaf("x", NodeKind.INPUT, new int[0])),
                0, Tensor.scalar(1));
        assertThatThrownBy(() -> BackwardPass.run(tape)).hasMessageContaining("which does not come before it");
    }

    @Test
    void theSameTapeAlwaysGivesBitIdenticalGradients() {
        CompiledGraph graph = Engine.compile(MlpFiniteDifferenceTest.network(9));
        double[] x = new double[4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.sin(i);
        }
        Tape tape = ForwardPass.record(graph, Map.of("x", Tensor.of(new int[] {4, 5}, x), "y",
                Tensor.vector(0, 1, 2, 3)));
        List<GradientSet> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(BackwardPass.run(tape));
        }
        assertThat(runs).allSatisfy(run -> assertThat(run).isEqualTo(runs.get(0)));
    }
}
