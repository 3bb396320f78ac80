package dev.gradflow.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gradflow.core.testing.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A definition that cannot run is rejected with the field and the problem. */
class DefinitionErrorsTest {

    private static DefinitionException reject(String json) {
        return catchThrowableOfType(DefinitionException.class,
                () -> new DefinitionParser(Limits.DEFAULT).parse(Json.parse(json)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing kind | {"nodes": []} | kind | is required: "graph" or "layers"
            unknown kind | {"kind": "tree"} | kind | must be "graph" or "layers", got the string "tree"
            unknown field | {"kind": "graph", "inputs": {}, "nodes": [], "output": "x", "extra": 1} | extra | unknown field, expected one of [constants, dtype, inputs, kind, nodes, output, parameters, targets]
            unsupported dtype | {"kind": "graph", "dtype": "int8", "inputs": {}, "nodes": [], "output": "x"} | dtype | unsupported dtype "int8"; use "float64"
            unknown op | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "sigmoid", "inputs": ["x"]}], "output": "y"} | nodes[0].op | unknown op 'sigmoid', expected one of [add, div, exp, log, matmul, max, mean, mean-squared-error, mul, neg, pow, relu, softmax-cross-entropy, sub, sum, transpose]
            dangling reference | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "neg", "inputs": ["q"]}], "output": "y"} | nodes[0].inputs[0] | unknown node "q"
            wrong arity | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "add", "inputs": ["x"]}], "output": "y"} | nodes[0].inputs | op "add" takes 2 inputs, got 1
            cycle | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "a", "op": "add", "inputs": ["x", "b"]}, {"name": "b", "op": "neg", "inputs": ["a"]}], "output": "b"} | nodes[1] | the graph has a cycle: "b" → "a" → "b"
            self loop | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "a", "op": "add", "inputs": ["x", "a"]}], "output": "a"} | nodes[0] | the graph has a cycle: "a" → "a"
            duplicate name | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "x", "op": "neg", "inputs": ["x"]}], "output": "x"} | nodes[0].name | duplicate name "x"
            shape mismatch | {"kind": "graph", "inputs": {"a": {"shape": [2, 3]}, "b": {"shape": [2, 3]}}, "nodes": [{"name": "m", "op": "matmul", "inputs": ["a", "b"]}, {"name": "s", "op": "sum", "inputs": ["m"]}], "output": "s"} | nodes[0] | node "m": matmul: inner dimensions differ, [2, 3] · [2, 3]
            broadcast mismatch | {"kind": "graph", "inputs": {"a": {"shape": [2, 3]}, "b": {"shape": [2]}}, "nodes": [{"name": "m", "op": "add", "inputs": ["a", "b"]}, {"name": "s", "op": "sum", "inputs": ["m"]}], "output": "s"} | nodes[0] | node "m": add: shapes [2, 3] and [2] do not broadcast (aligned dimensions must be equal or 1)
            non-scalar output | {"kind": "graph", "inputs": {"x": {"shape": [null, 3]}}, "nodes": [{"name": "y", "op": "relu", "inputs": ["x"]}], "output": "y"} | output | node "y" has shape [N, 3]; the output must be a scalar (shape []), such as a loss or a sum
            unknown output | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [], "output": "z"} | output | unknown node "z"
            pow without exponent | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "pow", "inputs": ["x"]}], "output": "y"} | nodes[0].exponent | is required for op "pow"
            axis out of range | {"kind": "graph", "inputs": {"x": {"shape": [3]}}, "nodes": [{"name": "y", "op": "sum", "inputs": ["x"], "axis": 1}], "output": "y"} | nodes[0] | node "y": sum: axis 1 is out of range for shape [3]
            zero dimension | {"kind": "graph", "inputs": {"x": {"shape": [0]}}, "nodes": [], "output": "x"} | inputs.x.shape[0] | must be between 1 and 16777216, got 0
            ragged parameter | {"kind": "graph", "inputs": {}, "parameters": {"w": {"value": [[1, 2], [3]]}}, "nodes": [], "output": "w"} | parameters.w.value[1] | has length 1, expected 2 (the array is not rectangular; shape [2, 2])
            string in parameter | {"kind": "graph", "inputs": {}, "parameters": {"w": {"value": [1, "2"]}}, "nodes": [], "output": "w"} | parameters.w.value[1] | expected a number, got the string "2"
            no layers | {"kind": "layers", "inputSize": 4, "layers": [], "loss": "mean-squared-error"} | layers | must hold at least one layer
            unknown layer type | {"kind": "layers", "inputSize": 4, "layers": [{"type": "conv", "units": 3}], "loss": "mean-squared-error"} | layers[0].type | unknown layer type "conv", expected "dense"
            unknown activation | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": 3, "activation": "gelu"}], "loss": "mean-squared-error"} | layers[0].activation | unknown value "gelu", expected one of [relu, linear, softmax]
            negative units | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": -3}], "loss": "mean-squared-error"} | layers[0].units | must be between 1 and 16777216, got -3
            absurd units | {"kind": "layers", "inputSize": 100000, "layers": [{"type": "dense", "units": 100000}], "loss": "mean-squared-error"} | layers[0].units | weights of 100000 × 100000 exceed the limit of 16777216 elements per tensor
            weights of the wrong shape | {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 1, "weights": [[1, 2]]}], "loss": "mean-squared-error"} | layers[0].weights | has shape [1, 2], expected [2, 1]
            softmax before the last layer | {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 3, "activation": "softmax"}, {"type": "dense", "units": 2}], "loss": "softmax-cross-entropy"} | layers[0].activation | "softmax" is only allowed on the last layer with loss "softmax-cross-entropy" (they are fused)
            unknown loss | {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 3}], "loss": "hinge"} | loss | unknown value "hinge", expected one of [softmax-cross-entropy, mean-squared-error]
            """)
    void isRejectedWithTheFieldAndTheProblem(String title, String json, String field, String problem) {
        DefinitionException error = reject(json);
        assertThat(error).as(title).isNotNull();
        assertThat(error.field()).isEqualTo(field);
        assertThat(error.problem()).isEqualTo(problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"kind": "layers", "inputSize": 3, "layers": [{"type": "dense", "units": 4, "activation": "relu"}, {"type": "dense", "units": 2, "activation": "softmax"}], "loss": "softmax-cross-entropy"}
            {"kind": "layers", "inputSize": 3, "seed": 7, "layers": [{"type": "dense", "name": "hidden", "units": 4}], "loss": "mean-squared-error"}
            {"kind": "graph", "inputs": {"x": {"shape": [null, 3]}}, "targets": {"y": {"shape": [null]}}, "parameters": {"w": {"value": [[1], [2], [3]], "shape": [3, 1]}}, "nodes": [{"name": "p", "op": "matmul", "inputs": ["x", "w"]}, {"name": "l", "op": "softmax-cross-entropy", "inputs": ["p", "y"]}], "output": "l"}
            """)
    void validDefinitionsParse(String json) {
        assertThat(new DefinitionParser(Limits.DEFAULT).parse(Json.parse(json))).isNotNull();
    }
}
