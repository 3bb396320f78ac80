package dev.gradflow.core.graph;

import dev.gradflow.core.ops.CategoricalCrossEntropy;
import dev.gradflow.core.ops.SoftmaxCrossEntropy;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors fed to a graph for one batch, and the rules they must meet: every input and target fed and nothing
 * else, each of its declared shape, and one batch size N ≥ 1 shared by every dimension declared {@code null}.
 */
public final class Feeds {
    private static final Set<String> BATCH_FIELDS = Set.of("inputs", "targets");

    private Feeds() {
    }

    /**
     * Reads a batch written as JSON, {@code {"inputs": {name: nested array}, "targets": {name: nested array}}},
     * and checks it against the graph.
     *
     * @throws DefinitionException naming the field, such as {@code inputs.x[3]}
     */
    public static Map<String, Tensor> parse(Object tree, CompiledGraph graph, Limits limits) {
        Map<String, Object> root = JsonTree.object(tree, "");
        JsonTree.onlyKeys(root, "", BATCH_FIELDS);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        section(root, "inputs", NodeKind.INPUT, graph, limits, feeds);
        section(root, "targets", NodeKind.TARGET, graph, limits, feeds);
        check(graph, feeds);
        return feeds;
    }

    private static void section(Map<String, Object> root, String field, NodeKind kind, CompiledGraph graph,
            Limits limits, Map<String, Tensor> feeds) {
        List<String> expected = graph.fedNodes().stream().filter(n -> n.kind() == kind).map(GraphNode::name).toList();
        Object value = root.get(field);
        if (value == null) {
            if (!expected.isEmpty()) {
                throw new DefinitionException(field, "is required; the network expects " + expected);
            }
            return;
        }
        for (Map.Entry<String, Object> entry : JsonTree.object(value, field).entrySet()) {
            String path = field + "." + entry.getKey();
            if (!expected.contains(entry.getKey())) {
                throw new DefinitionException(path, "the network has no " + (kind == NodeKind.INPUT ? "input"
                        : "target") + " named \"" + entry.getKey() + "\"; expected " + expected);
            }
            feeds.put(entry.getKey(), NestedArrays.toTensor(entry.getValue(), path, graph.dtype(),
                    limits.maxTensorElements()));
        }
    }

    /** Class-id targets of the categorical losses must be integers in [0, C), C the number of classes. */
    private static void checkClassIds(CompiledGraph graph, Map<String, Tensor> feeds) {
        for (GraphNode node : graph.nodes()) {
            boolean categorical = node.op() instanceof SoftmaxCrossEntropy || node.op() instanceof CategoricalCrossEntropy;
            if (!categorical) {
                continue;
            }
            GraphNode target = graph.nodes().get(node.inputs()[1]);
            int[] predictions = graph.nodes().get(node.inputs()[0]).shape();
            Tensor value = feeds.get(target.name());
            if (target.kind() != NodeKind.TARGET || value == null || value.rank() != 1 || predictions.length != 2
                    || predictions[1] == Shapes.ANY) {
                continue;
            }
            int classes = predictions[1];
            double[] ids = value.readDoubles();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] != Math.rint(ids[i]) || ids[i] < 0 || ids[i] >= classes) {
                    throw new DefinitionException("targets." + target.name() + "[" + i + "]", "class id " + ids[i]
                            + " is not an integer in [0, " + classes + ")");
                }
            }
        }
    }

    /**
     * Checks tensors fed to a graph, however they arrived.
     *
     * @throws DefinitionException naming the fed tensor, such as {@code inputs.x} or {@code targets.y}
     */
    public static void check(CompiledGraph graph, Map<String, Tensor> feeds) {
        Set<String> expected = new HashSet<>();
        int batchSize = -1;
        String batchSizeFrom = null;
        for (GraphNode node : graph.fedNodes()) {
            String path = (node.kind() == NodeKind.INPUT ? "inputs." : "targets.") + node.name();
            expected.add(node.name());
            Tensor value = feeds.get(node.name());
            if (value == null) {
                throw new DefinitionException(path, "is required by the network");
            }
            if (value.dtype() != graph.dtype()) {
                throw new DefinitionException(path, "has dtype " + value.dtype().label() + ", the network uses "
                        + graph.dtype().label());
            }
            int[] declared = node.shape();
            int[] actual = value.shape();
            boolean matches = declared.length == actual.length;
            for (int d = 0; matches && d < declared.length; d++) {
                if (declared[d] != Shapes.ANY) {
                    matches = declared[d] == actual[d];
                } else if (batchSize == -1) {
                    batchSize = actual[d];
                    batchSizeFrom = path;
                } else if (actual[d] != batchSize) {
                    throw new DefinitionException(path, "has batch size " + actual[d] + " but " + batchSizeFrom
                            + " has " + batchSize);
                }
            }
            if (!matches) {
                throw new DefinitionException(path, "has shape " + Shapes.format(actual) + ", expected "
                        + Shapes.format(declared) + " (N is the batch size)");
            }
            if (value.size() == 0) {
                throw new DefinitionException(path, "is empty; the batch size must be at least 1");
            }
            int bad = value.firstNonFinite();
            if (bad >= 0) {
                throw new DefinitionException(path, "holds " + value.getDouble(bad) + "; every value must be finite");
            }
        }
        checkClassIds(graph, feeds);
        for (String name : feeds.keySet()) {
            if (!expected.contains(name)) {
                throw new DefinitionException("inputs." + name, "the network has no input or target named \""
                        + name + "\"; expected " + expected.stream().sorted().toList());
            }
        }
    }
}
