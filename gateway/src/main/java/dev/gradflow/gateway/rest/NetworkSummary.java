package dev.gradflow.gateway.rest;

import dev.gradflow.core.graph.CompiledGraph;
import dev.gradflow.core.graph.GraphNode;
import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Shapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a registered network takes and gives: the shapes of its inputs and targets ({@code null} is the batch
 * dimension), its parameters, and the name of its output.
 */
public record NetworkSummary(String networkId, String dtype, Map<String, List<Integer>> inputs,
        Map<String, List<Integer>> targets, Map<String, List<Integer>> parameters, String output, int nodes) {

    static NetworkSummary of(String networkId, CompiledGraph graph) {
        Map<String, List<Integer>> inputs = new LinkedHashMap<>();
        Map<String, List<Integer>> targets = new LinkedHashMap<>();
        Map<String, List<Integer>> parameters = new LinkedHashMap<>();
        for (GraphNode node : graph.nodes()) {
            switch (node.kind()) {
                case INPUT -> inputs.put(node.name(), shape(node.shape()));
                case TARGET -> targets.put(node.name(), shape(node.shape()));
                case PARAMETER -> parameters.put(node.name(), shape(node.shape()));
                default -> {
                }
            }
        }
        GraphNode output = graph.nodes().get(graph.output());
        return new NetworkSummary(networkId, graph.dtype().label(), inputs, targets, parameters, output.name(),
                (int) graph.nodes().stream().filter(n -> n.kind() == NodeKind.OP).count());
    }

    private static List<Integer> shape(int[] shape) {
        List<Integer> dims = new ArrayList<>();
        for (int dim : shape) {
            dims.add(dim == Shapes.ANY ? null : dim);
        }
        return dims;
    }
}
