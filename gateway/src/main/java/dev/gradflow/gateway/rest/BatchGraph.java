package dev.gradflow.gateway.rest;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.gradflow.core.graph.NestedArrays;
import dev.gradflow.core.tensor.Tensor;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.trace.TensorSummary;
import dev.gradflow.gateway.service.BatchGraphs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A batch's recorded graph as JSON, for tools: every node with its full value and gradient, every edge with its
 * local derivative, upstream gradient and contribution, as nested arrays; and the summaries a picture shows. Ids
 * are those of the SVG and DOT forms ({@code n<index>}, {@code e<k>}).
 *
 * @param status done or failed
 * @param output the output node's name; null for a forward pass that failed, which never reached it
 * @param failure where and why the batch failed, or null
 * @param groups a layer-list network's layers: each layer's node names (what {@code ?expand=} takes)
 */
@JsonPropertyOrder({"batchId", "networkId", "status", "dtype", "output", "failure", "nodes", "edges", "groups"})
public record BatchGraph(String batchId, String networkId, String status, String dtype, String output,
        Failure failure, List<Node> nodes, List<Edge> edges, Map<String, List<String>> groups) {

    /** @param node the failing node's name */
    public record Failure(String node, String message) {
    }

    /**
     * @param kind input, target, parameter, constant or op
     * @param op the op's name, or null for a leaf
     * @param gradient ∂output/∂node, null when the forward pass failed
     */
    @JsonPropertyOrder({"id", "index", "name", "kind", "op", "shape", "value", "gradient", "valueSummary",
            "gradientSummary", "uses"})
    public record Node(String id, int index, String name, String kind, String op, int[] shape, Object value,
            Object gradient, String valueSummary, String gradientSummary, int uses) {
    }

    /**
     * @param from the input's id; values flow from it to {@code to}
     * @param position which input of {@code to} it is
     * @param rule the form of the contribution in terms of the upstream gradient G
     * @param local ∂to/∂from where {@code to} is a scalar, else null
     * @param upstream ∂output/∂to (null when the forward pass failed)
     * @param contribution what flows back into {@code from} along this edge (null when the forward pass failed)
     */
    @JsonPropertyOrder({"id", "from", "to", "fromName", "toName", "position", "rule", "local", "upstream",
            "contribution", "localSummary", "upstreamSummary", "contributionSummary"})
    public record Edge(String id, String from, String to, String fromName, String toName, int position, String rule,
            Object local, Object upstream, Object contribution, String localSummary, String upstreamSummary,
            String contributionSummary) {
    }

    static BatchGraph of(BatchGraphs.Graph graph) {
        ChainRuleTrace trace = graph.trace();
        List<Node> nodes = new ArrayList<>(trace.nodes().size());
        for (ChainRuleTrace.Node node : trace.nodes()) {
            nodes.add(new Node("n" + node.index(), node.index(), node.name(),
                    node.kind().name().toLowerCase(Locale.ROOT), node.op(), node.value().shape(),
                    nested(node.value()), nested(node.gradient()), summary(node.value()), summary(node.gradient()),
                    trace.uses(node.index()).size()));
        }
        List<Edge> edges = new ArrayList<>(trace.edges().size());
        for (int k = 0; k < trace.edges().size(); k++) {
            ChainRuleTrace.Edge edge = trace.edges().get(k);
            edges.add(new Edge("e" + k, "n" + edge.from(), "n" + edge.to(), trace.nodes().get(edge.from()).name(),
                    trace.nodes().get(edge.to()).name(), edge.position(), edge.rule(), nested(edge.local()),
                    nested(edge.upstream()), nested(edge.contribution()), summary(edge.local()),
                    summary(edge.upstream()), summary(edge.contribution())));
        }
        Failure failure = trace.failure() == null ? null
                : new Failure(trace.nodes().get(trace.failure().node()).name(), trace.failure().message());
        String dtype = trace.nodes().isEmpty() ? null : trace.nodes().get(0).value().dtype().label();
        return new BatchGraph(graph.state().batchId(), graph.state().networkId(),
                graph.state().status().name().toLowerCase(Locale.ROOT), dtype,
                trace.nodes().isEmpty() || !trace.hasGradients() ? null : trace.nodes().get(trace.output()).name(),
                failure, nodes, edges,
                BatchGraphs.members(graph.groups()));
    }

    private static Object nested(Tensor tensor) {
        return tensor == null ? null : NestedArrays.toNested(tensor);
    }

    private static String summary(Tensor tensor) {
        return tensor == null ? null : TensorSummary.of(tensor);
    }
}
