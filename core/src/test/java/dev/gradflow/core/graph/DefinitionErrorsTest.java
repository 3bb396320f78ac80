package dev.gradflow.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.testing.Json;
import org.junit.jupiter.api.Test;
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
            unknown field | {"kind": "graph", "inputs": {}, "nodes": [], "output": "x", "extra": 1} | extra | unknown field, expected one of [constants, dtype, inputs, kind, nodes, output, parameters, targets, trace]
            unsupported dtype | {"kind": "graph", "dtype": "int8", "inputs": {}, "nodes": [], "output": "x"} | dtype | unsupported dtype "int8"; use "float32" or "float64"
            unknown attribute | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "pow", "inputs": ["x"], "exponent": 2, "expnent": 2}], "output": "y"} | nodes[0].expnent | op "pow" takes only [exponent]
            attribute of another op | {"kind": "graph", "inputs": {"x": {"shape": [2]}}, "nodes": [{"name": "y", "op": "relu", "inputs": ["x"], "axis": 0}], "output": "y"} | nodes[0].axis | op "relu" takes no attributes
            clip bounds reversed | {"kind": "graph", "inputs": {"x": {"shape": []}}, "nodes": [{"name": "y", "op": "clip", "inputs": ["x"], "min": 1, "max": 0}], "output": "y"} | nodes[0].max | must be at least min (1.0), got 0.0
            reshape to the wrong size | {"kind": "graph", "inputs": {"x": {"shape": [2, 3]}}, "nodes": [{"name": "r", "op": "reshape", "inputs": ["x"], "shape": [4]}, {"name": "s", "op": "sum", "inputs": ["r"]}], "output": "s"} | nodes[0] | node "r": reshape: [2, 3] has 6 elements, [4] has 4
            dropout rate of one | {"kind": "graph", "inputs": {"x": {"shape": [3]}}, "nodes": [{"name": "d", "op": "dropout", "inputs": ["x"], "rate": 1}, {"name": "s", "op": "sum", "inputs": ["d"]}], "output": "s"} | nodes[0].rate | must be in [0, 1), got 1.0
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
            unknown layer type | {"kind": "layers", "inputSize": 4, "layers": [{"type": "conv", "units": 3}], "loss": "mean-squared-error"} | layers[0].type | unknown layer type "conv", expected one of [dense, dropout, relu, sigmoid, tanh, softmax, linear]
            unknown activation | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": 3, "activation": "gelu"}], "loss": "mean-squared-error"} | layers[0].activation | unknown value "gelu", expected one of [linear, relu, sigmoid, tanh, softmax]
            no dense layer | {"kind": "layers", "inputSize": 4, "layers": [{"type": "relu"}], "loss": "mean-squared-error"} | layers | must hold at least one dense layer
            dropout rate out of range | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": 3}, {"type": "dropout", "rate": -0.1}], "loss": "mean-squared-error"} | layers[1].rate | must be in [0, 1), got -0.1
            negative penalty | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": 3, "weightRegularizerL2": -1}], "loss": "mean-squared-error"} | layers[0].weightRegularizerL2 | must be at least 0, got -1.0
            target format on a regression loss | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": 3}], "loss": "mean-squared-error", "targetFormat": "one-hot"} | targetFormat | only applies to the categorical losses (softmax-cross-entropy, categorical-cross-entropy)
            negative units | {"kind": "layers", "inputSize": 4, "layers": [{"type": "dense", "units": -3}], "loss": "mean-squared-error"} | layers[0].units | must be between 1 and 16777216, got -3
            absurd units | {"kind": "layers", "inputSize": 100000, "layers": [{"type": "dense", "units": 100000}], "loss": "mean-squared-error"} | layers[0].units | weights of 100000 × 100000 exceed the limit of 16777216 elements per tensor
            weights of the wrong shape | {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 1, "weights": [[1, 2]]}], "loss": "mean-squared-error"} | layers[0].weights | has shape [1, 2], expected [2, 1]
            unknown loss | {"kind": "layers", "inputSize": 2, "layers": [{"type": "dense", "units": 3}], "loss": "hinge"} | loss | unknown value "hinge", expected one of [softmax-cross-entropy, categorical-cross-entropy, binary-cross-entropy, mean-squared-error, mean-absolute-error]
            """)
    void isRejectedWithTheFieldAndTheProblem(String title, String json, String field, String problem) {
        DefinitionException error = reject(json);
        assertThat(error).as(title).isNotNull();
        assertThat(error.field()).isEqualTo(field);
        assertThat(error.problem()).isEqualTo(problem);
    }

    @Test
    void anUnknownOpIsRejectedListingTheOpSet() {
        DefinitionException error = reject("""
                {"kind": "graph", "inputs": {"x": {"shape": []}},
                 "nodes": [{"name": "y", "op": "gelu", "inputs": ["x"]}], "output": "y"}""");
        assertThat(error.field()).isEqualTo("nodes[0].op");
        assertThat(error.problem()).isEqualTo("unknown op 'gelu', expected one of " + OpSet.NAMES);
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
