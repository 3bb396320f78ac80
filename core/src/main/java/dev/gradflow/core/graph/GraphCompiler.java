package dev.gradflow.core.graph;

import dev.gradflow.core.ops.Op;
import dev.gradflow.core.ops.OpSet;
import dev.gradflow.core.ops.UnknownOpException;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns a definition into a {@link CompiledGraph}: lowers a layer list to a graph, resolves names, orders the op
 * nodes topologically (Kahn's algorithm: iterative, so depth is unbounded), rejects cycles and infers every shape.
 */
public final class GraphCompiler {
    private GraphCompiler() {
    }

    /** @throws DefinitionException naming the field and the problem */
    public static CompiledGraph compile(NetworkDefinition definition, Limits limits) {
        GraphDefinition graph = definition instanceof LayerDefinition layers ? lower(layers)
                : (GraphDefinition) definition;
        return compileGraph(graph, limits);
    }

    /**
     * The graph a layer list stands for: input {@code x} [N, inputSize], target {@code y}, and per Dense layer
     * {@code <name>.matmul = x·W}, {@code <name>.linear = <name>.matmul + b} (b broadcast over the rows) and, for
     * ReLU, {@code <name>.relu}; then a {@code loss} node.
     *
     * <p>Parameters the definition leaves out are initialised from the seed alone: weights of layer i (0-based)
     * are drawn uniformly from ±√(6 / (in + units)) (Glorot) by a {@link SplittableRandom} seeded with
     * {@code seed + (i + 1) · 0x9E3779B97F4A7C15}, row-major; biases are zero. Every service derives the same
     * values from the same definition.
     */
    public static GraphDefinition lower(LayerDefinition layers) {
        Map<String, int[]> inputs = Map.of("x", new int[] {Shapes.ANY, layers.inputSize()});
        int lastUnits = layers.layers().get(layers.layers().size() - 1).units();
        int[] targetShape = layers.loss() == LayerDefinition.Loss.SOFTMAX_CROSS_ENTROPY
                && layers.targetFormat() == LayerDefinition.TargetFormat.CLASS_IDS
                ? new int[] {Shapes.ANY} : new int[] {Shapes.ANY, lastUnits};
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        List<NodeDefinition> nodes = new ArrayList<>();
        String previous = "x";
        int fanIn = layers.inputSize();
        for (int i = 0; i < layers.layers().size(); i++) {
            DenseLayer layer = layers.layers().get(i);
            String weights = layer.name() + ".weights";
            String biases = layer.name() + ".biases";
            parameters.put(weights, layer.weights() != null ? layer.weights()
                    : glorotUniform(layers, i, fanIn, layer.units()));
            parameters.put(biases, layer.biases() != null ? layer.biases()
                    : Tensor.zeros(layers.dtype(), layer.units()));
            nodes.add(new NodeDefinition(layer.name() + ".matmul", "matmul", List.of(previous, weights), null, null));
            nodes.add(new NodeDefinition(layer.name() + ".linear", "add", List.of(layer.name() + ".matmul", biases),
                    null, null));
            previous = layer.name() + ".linear";
            if (layer.activation() == DenseLayer.Activation.RELU) {
                nodes.add(new NodeDefinition(layer.name() + ".relu", "relu", List.of(previous), null, null));
                previous = layer.name() + ".relu";
            }
            fanIn = layer.units();
        }
        nodes.add(new NodeDefinition("loss", layers.loss().label(), List.of(previous, "y"), null, null));
        return new GraphDefinition(layers.dtype(), inputs, Map.of("y", targetShape), parameters, Map.of(), nodes,
                "loss");
    }

    private static Tensor glorotUniform(LayerDefinition layers, int index, int fanIn, int units) {
        SplittableRandom random = new SplittableRandom(layers.seed() + (index + 1) * 0x9E3779B97F4A7C15L);
        double limit = Math.sqrt(6.0 / (fanIn + units));
        double[] values = new double[fanIn * units];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-limit, limit);
        }
        return Tensor.of(layers.dtype(), new int[] {fanIn, units}, values);
    }

    private static CompiledGraph compileGraph(GraphDefinition graph, Limits limits) {
        List<GraphNode> nodes = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        graph.inputs().forEach((name, shape) ->
                addLeaf(nodes, index, "inputs." + name, new GraphNode(name, NodeKind.INPUT, shape, null, null, null)));
        graph.targets().forEach((name, shape) ->
                addLeaf(nodes, index, "targets." + name, new GraphNode(name, NodeKind.TARGET, shape, null, null, null)));
        graph.parameters().forEach((name, value) -> addLeaf(nodes, index, "parameters." + name,
                new GraphNode(name, NodeKind.PARAMETER, value.shape(), null, null, value)));
        graph.constants().forEach((name, value) -> addLeaf(nodes, index, "constants." + name,
                new GraphNode(name, NodeKind.CONSTANT, value.shape(), null, null, value)));
        int total = nodes.size() + graph.nodes().size();
        if (total > limits.maxNodes()) {
            throw new DefinitionException("nodes", "the graph has " + total + " nodes, more than the limit "
                    + limits.maxNodes());
        }

        List<NodeDefinition> definitions = graph.nodes();
        Map<String, Integer> opPosition = new HashMap<>();
        Op[] ops = new Op[definitions.size()];
        for (int i = 0; i < definitions.size(); i++) {
            NodeDefinition node = definitions.get(i);
            String path = "nodes[" + i + "]";
            if (index.containsKey(node.name()) || opPosition.putIfAbsent(node.name(), i) != null) {
                throw new DefinitionException(path + ".name", "duplicate name \"" + node.name() + "\"");
            }
            ops[i] = op(node, path);
        }
        for (int i = 0; i < definitions.size(); i++) {
            NodeDefinition node = definitions.get(i);
            for (int j = 0; j < node.inputs().size(); j++) {
                String input = node.inputs().get(j);
                if (!index.containsKey(input) && !opPosition.containsKey(input)) {
                    throw new DefinitionException("nodes[" + i + "].inputs[" + j + "]", "unknown node \"" + input
                            + "\"");
                }
            }
        }

        for (int position : topologicalOrder(definitions, opPosition)) {
            NodeDefinition node = definitions.get(position);
            int[] inputs = node.inputs().stream().mapToInt(index::get).toArray();
            int[][] inputShapes = new int[inputs.length][];
            for (int j = 0; j < inputs.length; j++) {
                inputShapes[j] = nodes.get(inputs[j]).shape();
            }
            int[] shape;
            try {
                shape = ops[position].outputShape(inputShapes);
            } catch (IllegalArgumentException e) {
                throw new DefinitionException("nodes[" + position + "]", "node \"" + node.name() + "\": "
                        + e.getMessage());
            }
            index.put(node.name(), nodes.size());
            nodes.add(new GraphNode(node.name(), NodeKind.OP, shape, ops[position], inputs, null));
        }

        Integer output = index.get(graph.output());
        if (output == null) {
            throw new DefinitionException("output", "unknown node \"" + graph.output() + "\"");
        }
        int[] outputShape = nodes.get(output).shape();
        if (outputShape.length != 0) {
            throw new DefinitionException("output", "node \"" + graph.output() + "\" has shape "
                    + Shapes.format(outputShape) + "; the output must be a scalar (shape []), such as a loss or a sum");
        }
        return new CompiledGraph(graph.dtype(), nodes, output);
    }

    private static void addLeaf(List<GraphNode> nodes, Map<String, Integer> index, String path, GraphNode node) {
        if (index.putIfAbsent(node.name(), nodes.size()) != null) {
            throw new DefinitionException(path, "duplicate name \"" + node.name() + "\"");
        }
        nodes.add(node);
    }

    private static Op op(NodeDefinition node, String path) {
        Op op;
        try {
            boolean isPow = node.op().equals("pow");
            boolean isReduction = node.op().equals("sum") || node.op().equals("mean");
            if (OpSet.isKnown(node.op()) && isPow != (node.exponent() != null)) {
                throw new DefinitionException(path + ".exponent", isPow ? "is required for op \"pow\""
                        : "only op \"pow\" takes an exponent, not \"" + node.op() + "\"");
            }
            if (OpSet.isKnown(node.op()) && !isReduction && node.axis() != null) {
                throw new DefinitionException(path + ".axis", "only ops \"sum\" and \"mean\" take an axis, not \""
                        + node.op() + "\"");
            }
            op = OpSet.fromDefinition(node.op(), node.exponent(), node.axis());
        } catch (UnknownOpException e) {
            throw new DefinitionException(path + ".op", e.getMessage());
        }
        if (node.inputs().size() != op.arity()) {
            throw new DefinitionException(path + ".inputs", "op \"" + op.name() + "\" takes " + op.arity()
                    + " input" + (op.arity() == 1 ? "" : "s") + ", got " + node.inputs().size());
        }
        return op;
    }

    /** Positions of the op nodes so that each comes after the op nodes it reads; a cycle is an error. */
    private static List<Integer> topologicalOrder(List<NodeDefinition> definitions, Map<String, Integer> opPosition) {
        int count = definitions.size();
        int[] pending = new int[count];
        List<List<Integer>> readers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            readers.add(new ArrayList<>());
        }
        for (int i = 0; i < count; i++) {
            for (String input : definitions.get(i).inputs()) {
                Integer producer = opPosition.get(input);
                if (producer != null) {
                    pending[i]++;
                    readers.get(producer).add(i);
                }
            }
        }
        Deque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Integer> order = new ArrayList<>(count);
        while (!ready.isEmpty()) {
            int next = ready.poll();
            order.add(next);
            for (int reader : readers.get(next)) {
                if (--pending[reader] == 0) {
                    ready.add(reader);
                }
            }
        }
        if (order.size() < count) {
            throw cycle(definitions, opPosition, pending);
        }
        return order;
    }

    /** Walks back through unfinished nodes until one repeats, and reports that loop. */
    private static DefinitionException cycle(List<NodeDefinition> definitions, Map<String, Integer> opPosition,
            int[] pending) {
        int start = 0;
        while (pending[start] == 0) {
            start++;
        }
        List<Integer> walk = new ArrayList<>();
        Map<Integer, Integer> seenAt = new HashMap<>();
        int current = start;
        while (!seenAt.containsKey(current)) {
            seenAt.put(current, walk.size());
            walk.add(current);
            for (String input : definitions.get(current).inputs()) {
                Integer producer = opPosition.get(input);
                if (producer != null && pending[producer] > 0) {
                    current = producer;
                    break;
                }
            }
        }
        List<Integer> loop = new ArrayList<>(walk.subList(seenAt.get(current), walk.size()));
        Collections.reverse(loop);
        StringBuilder names = new StringBuilder();
        for (int position : loop) {
            names.append('"').append(definitions.get(position).name()).append("\" → ");
        }
        names.append('"').append(definitions.get(loop.get(0)).name()).append('"');
        return new DefinitionException("nodes[" + loop.get(0) + "]", "the graph has a cycle: " + names);
    }
}
