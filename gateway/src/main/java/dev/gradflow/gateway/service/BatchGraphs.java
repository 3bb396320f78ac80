package dev.gradflow.gateway.service;

import dev.gradflow.core.graph.DefinitionParser;
import dev.gradflow.core.graph.Limits;
import dev.gradflow.core.graph.NetworkDefinition;
import dev.gradflow.core.trace.ChainRuleTrace;
import dev.gradflow.core.trace.DenseExpansion;
import dev.gradflow.core.trace.LayerGroups;
import dev.gradflow.core.trace.TracePicture;
import dev.gradflow.core.wire.TraceRequest;
import dev.gradflow.gateway.config.GatewayConfig;
import dev.gradflow.gateway.tenant.Caller;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.NotFoundException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The recorded graphs of answered batches, for {@code GET /batches/{id}/graph}: the trace the gradient-service
 * published with the answer, the layers of a layer-list network as groups, and the picture of both.
 */
@ApplicationScoped
public class BatchGraphs {
    /** Expands every group. */
    public static final String EXPAND_ALL = "all";

    @Inject
    ResultStore results;

    @Inject
    NetworkCatalog catalog;

    @Inject
    GatewayConfig config;

    /**
     * A batch's traced graph.
     *
     * @param groups the group of each grouped node by name (a layer-list network's layers); empty for a graph
     */
    public record Graph(BatchState state, ChainRuleTrace trace, Map<String, String> groups,
            NetworkDefinition definition) {
    }

    /**
     * @throws NotFoundException for a batch this gateway does not know, or one answered without a trace
     * @throws ClientErrorException 409 while the batch is pending
     */
    public Graph find(String batchId, Caller caller) {
        BatchState state = results.find(batchId, caller)
                .orElseThrow(() -> new NotFoundException("batch \"" + batchId + "\" is not known"));
        if (state.status() == BatchState.Status.PENDING) {
            throw new ClientErrorException("batch \"" + batchId + "\" is still pending: its graph is published with"
                    + " its answer; ask again when GET /batches/" + batchId + " says done or failed", 409);
        }
        ChainRuleTrace trace = state.result().trace();
        if (trace == null) {
            throw new NotFoundException("batch \"" + batchId + "\" was answered without a trace: a batch is traced"
                    + " when its body says \"trace\": true, when its network's definition says \"trace\": true, or by"
                    + " default when its forward pass holds at most " + TraceRequest.DEFAULT_MAX_ELEMENTS + " tensor"
                    + " elements in all and its body does not say \"trace\": false"
                    + (state.status() == BatchState.Status.FAILED ? "; this one failed before its forward pass"
                            + " could be traced: " + state.result().failure() : ""));
        }
        NetworkDefinition definition = definition(state.networkId());
        return new Graph(state, trace, groups(definition, trace), definition);
    }

    /** The network's definition, or null: a network this gateway no longer knows is drawn node by node. */
    private NetworkDefinition definition(String networkId) {
        return catalog.definitionOfVisibleBatch(networkId).map(tree -> {
            try {
                return new DefinitionParser(Limits.DEFAULT).parse(tree);
            } catch (RuntimeException e) {
                // A definition accepted under other limits: drawn node by node, without layers.
                return null;
            }
        }).orElse(null);
    }

    private static Map<String, String> groups(NetworkDefinition definition, ChainRuleTrace trace) {
        if (definition == null) {
            return Map.of();
        }
        return LayerGroups.of(definition, trace.nodes().stream().map(ChainRuleTrace.Node::name).toList());
    }

    /**
     * The graph with the named groups expanded: their dense ops opened into matmul, add and activation
     * ({@link DenseExpansion}), so every step inside the layer shows its own factor.
     *
     * @param expand comma-separated group names, or {@value #EXPAND_ALL}; null or empty for none
     * @throws UnknownGroupException naming a group the network does not have
     */
    public Expanded expand(Graph graph, String expand) {
        Set<String> expanded = expanded(graph, expand);
        if (expanded.isEmpty()) {
            return new Expanded(graph, expanded);
        }
        Set<Integer> dense = new HashSet<>();
        for (ChainRuleTrace.Node node : graph.trace().nodes()) {
            if ("dense".equals(node.op()) && expanded.contains(graph.groups().get(node.name()))) {
                dense.add(node.index());
            }
        }
        ChainRuleTrace opened = DenseExpansion.expand(graph.trace(), dense);
        return new Expanded(new Graph(graph.state(), opened, groups(graph.definition(), opened),
                graph.definition()), expanded);
    }

    /** A graph and the groups to draw node by node. */
    public record Expanded(Graph graph, Set<String> groups) {
    }

    /**
     * The picture of a graph, its groups collapsed except the expanded ones.
     *
     * @throws ClientErrorException 413 when the picture has more boxes than {@code gradflow.gateway.graph-max-boxes}
     */
    public TracePicture picture(Expanded expanded) {
        Graph graph = expanded.graph();
        TracePicture picture = TracePicture.of(graph.trace(), graph.groups(), expanded.groups());
        if (picture.boxes().size() > config.graphMaxBoxes()) {
            throw new ClientErrorException("the picture would have " + picture.boxes().size() + " boxes, more than"
                    + " the limit " + config.graphMaxBoxes() + " (gradflow.gateway.graph-max-boxes)"
                    + (expanded.groups().isEmpty() ? "" : "; expand fewer layers") + "; the JSON form (Accept:"
                    + " application/json) has every node", 413);
        }
        return picture;
    }

    private static Set<String> expanded(Graph graph, String expand) {
        Set<String> known = new TreeSet<>(graph.groups().values());
        Set<String> expanded = new HashSet<>();
        if (expand != null && !expand.isBlank()) {
            for (String group : expand.split(",")) {
                String name = group.strip();
                if (name.equals(EXPAND_ALL)) {
                    expanded.addAll(known);
                } else if (!known.contains(name)) {
                    throw new UnknownGroupException(name, known);
                } else {
                    expanded.add(name);
                }
            }
        }
        return expanded;
    }

    /** {@code ?expand=} named a group the network does not have. */
    public static final class UnknownGroupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownGroupException(String name, Set<String> known) {
            super("expand: \"" + name + "\" is not a layer of this network; "
                    + (known.isEmpty() ? "it has none (a graph of ops is drawn node by node)"
                            : "its layers are " + String.join(", ", known) + ", or \"" + EXPAND_ALL + "\""));
        }
    }

    /** The groups as the JSON form lists them: each group's node names in the trace's order. */
    public static Map<String, List<String>> members(Map<String, String> groups) {
        Map<String, List<String>> members = new LinkedHashMap<>();
        groups.forEach((node, group) -> members.computeIfAbsent(group, g -> new java.util.ArrayList<>()).add(node));
        return members;
    }
}
