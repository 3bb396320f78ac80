package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import java.util.List;

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
}
