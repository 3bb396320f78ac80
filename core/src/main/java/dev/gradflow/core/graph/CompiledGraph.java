package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked graph ready to run: nodes in topological order (every node after the nodes it reads), shapes
 * inferred, the output a scalar.
 *
 * @param dtype element type
 * @param nodes nodes in topological order
 * @param output index of the output node
 */
public record CompiledGraph(DType dtype, List<GraphNode> nodes, int output) {
    public CompiledGraph {
        nodes = List.copyOf(nodes);
    }

    /** The nodes fed per batch (inputs and targets), in order. */
    public List<GraphNode> fedNodes() {
        return nodes.stream().filter(n -> n.kind() == NodeKind.INPUT || n.kind() == NodeKind.TARGET).toList();
    }

    /** The parameter values this graph holds, by name, in graph order; unmodifiable. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        nodes.stream().filter(n -> n.kind() == NodeKind.PARAMETER).forEach(n -> parameters.put(n.name(), n.value()));
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * The same graph holding other parameter values: a compiled graph is a value, so a training step, or a batch
     * that brings its own parameters, gets a new one. Only the parameter nodes are replaced.
     *
     * @throws DefinitionException naming {@code parameters.<name>} unless {@code values} names exactly this graph's
     *     parameters, each in the graph's dtype and its declared shape, with finite values
     */
    public CompiledGraph withParameters(Map<String, Tensor> values) {
        List<String> expected = parameters().keySet().stream().toList();
        for (String name : values.keySet()) {
            if (!expected.contains(name)) {
                throw new DefinitionException("parameters." + name, "the network has no parameter named \"" + name
                        + "\"; expected " + expected);
            }
        }
        List<GraphNode> replaced = nodes.stream().map(n -> {
            if (n.kind() != NodeKind.PARAMETER) {
                return n;
            }
            Tensor value = values.get(n.name());
            String field = "parameters." + n.name();
            if (value == null) {
                throw new DefinitionException(field, "is missing; a batch brings every parameter or none");
            }
            if (value.dtype() != dtype || !Arrays.equals(value.shape(), n.shape())) {
                throw new DefinitionException(field, "is " + value.dtype().label() + " " + Shapes.format(value.shape())
                        + ", the network declares " + dtype.label() + " " + Shapes.format(n.shape()));
            }
            int bad = value.firstNonFinite();
            if (bad >= 0) {
                throw new DefinitionException(field, "holds " + value.getDouble(bad) + "; every value must be finite");
            }
            return new GraphNode(n.name(), n.kind(), n.shape(), n.op(), n.inputs(), value);
        }).toList();
        return new CompiledGraph(dtype, replaced, output);
    }
}
