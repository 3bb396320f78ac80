package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A general expression graph of named nodes with one scalar output.
 *
 * @param dtype element type of every tensor in the graph
 * @param inputs per-batch inputs and their declared shapes ({@link dev.gradflow.core.tensor.Shapes#ANY} marks the
 *     batch dimension); their gradients are reported
 * @param targets per-batch targets and their declared shapes; no gradient reported
 * @param parameters named values whose gradients are reported, such as {@code dense1.weights}
 * @param constants named values without gradients
 * @param nodes op nodes, in any order
 * @param output name of the node whose value is the scalar being differentiated
 */
public record GraphDefinition(DType dtype, Map<String, int[]> inputs, Map<String, int[]> targets,
        Map<String, Tensor> parameters, Map<String, Tensor> constants, List<NodeDefinition> nodes, String output)
        implements NetworkDefinition {
    public GraphDefinition {
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
        nodes = List.copyOf(nodes);
    }
}
