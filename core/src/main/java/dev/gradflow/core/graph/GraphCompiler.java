package dev.gradflow.core.graph;

import dev.gradflow.core.ops.AttributeException;
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
     * The graph a layer list stands for. Input {@code x} [N, inputSize] and target {@code y} (class ids [N] or
     * one-hot rows [N, C] for the categorical losses, [N, outputs] otherwise). Per Dense layer one fused node
     * {@code <name>.dense = f(x·W + b)} (op {@code dense}, see {@link dev.gradflow.core.ops.Dense}) when its
     * activation f is linear, relu, sigmoid or tanh; a softmax activation that the loss does not absorb follows as
     * its own node {@code <name>.softmax}. Per activation or dropout layer one node named after the layer. With
     * loss softmax-cross-entropy a trailing softmax (as the last activation) is left out: the loss applies it,
     * fused. The data loss is node {@code data-loss}; with regularisation, {@code loss = data-loss + Σ penalties},
     * otherwise the data loss is the output {@code loss} itself.
     *
     * <p>Parameters the definition leaves out are initialised from the seed alone: the weights of the i-th dense
     * layer (0-based) are drawn uniformly from ±√(6 / (in + units)) (Glorot) by a {@link SplittableRandom} seeded
     * with {@code seed + (i + 1) · 0x9E3779B97F4A7C15}, row-major; biases are zero. Every service derives the same
     * values from the same definition. Dropout layer j (0-based, in list order) uses the seed
     * {@code seed + j + 1}, mixed with each batch's own seed.
     */
    public static GraphDefinition lower(LayerDefinition layers) {
        return lower(layers, true);
    }

    /**
     * The same network built from primitive ops only, as {@link #lower(LayerDefinition)} did before dense layers
     * were fused: per Dense layer {@code <name>.matmul = x·W}, {@code <name>.linear = <name>.matmul + b} (b
     * broadcast over the rows) and, unless linear, {@code <name>.<activation>}. Tests and tools use it as the
     * reference that the fused graph must match bit for bit.
     */
    public static GraphDefinition lowerToPrimitives(LayerDefinition layers) {
        return lower(layers, false);
    }

    private static GraphDefinition lower(LayerDefinition layers, boolean fuse) {
        LayerDefinition.Loss loss = layers.loss();
        Map<String, Tensor> parameters = new LinkedHashMap<>();
        Map<String, Tensor> constants = new LinkedHashMap<>();
        List<NodeDefinition> nodes = new ArrayList<>();
        List<String> penalties = new ArrayList<>();
        String previous = "x";
        int width = layers.inputSize();
        int denseIndex = 0;
        int dropoutIndex = 0;
        int lastActivation = lastActivationToFuse(layers);
        for (int i = 0; i < layers.layers().size(); i++) {
            Layer layer = layers.layers().get(i);
            if (layer instanceof DenseLayer dense) {
                String weights = dense.name() + ".weights";
                String biases = dense.name() + ".biases";
                parameters.put(weights, dense.weights() != null ? dense.weights()
                        : glorotUniform(layers, denseIndex, width, dense.units()));
                parameters.put(biases, dense.biases() != null ? dense.biases()
                        : Tensor.zeros(layers.dtype(), dense.units()));
                boolean applied = dense.activation().op() == null || i == lastActivation;
                if (fuse) {
                    // The activations a dense op applies itself: the elementwise ones; softmax stays a node.
                    boolean fused = !applied && dense.activation() != Activation.SOFTMAX;
                    String node = dense.name() + ".dense";
                    nodes.add(new NodeDefinition(node, "dense", List.of(previous, weights, biases),
                            Map.of("activation", fused ? dense.activation().label() : "linear")));
                    previous = node;
                    applied |= fused;
                } else {
                    nodes.add(new NodeDefinition(dense.name() + ".matmul", "matmul", List.of(previous, weights)));
                    nodes.add(new NodeDefinition(dense.name() + ".linear", "add",
                            List.of(dense.name() + ".matmul", biases)));
                    previous = dense.name() + ".linear";
                }
                if (!applied) {
                    String node = dense.name() + "." + dense.activation().label();
                    nodes.add(new NodeDefinition(node, dense.activation().op(), List.of(previous)));
                    previous = node;
                }
                penalties.addAll(penalties(dense, layers, constants, nodes));
                width = dense.units();
                denseIndex++;
            } else if (layer instanceof ActivationLayer activation) {
                if (activation.activation().op() != null && i != lastActivation) {
                    nodes.add(new NodeDefinition(activation.name(), activation.activation().op(), List.of(previous)));
                    previous = activation.name();
                }
            } else if (layer instanceof DropoutLayer dropout) {
                dropoutIndex++;
                nodes.add(new NodeDefinition(dropout.name(), "dropout", List.of(previous),
                        Map.of("rate", dropout.rate(), "seed", layers.seed() + dropoutIndex)));
                previous = dropout.name();
            }
        }
        boolean classIds = loss.categorical() && layers.targetFormat() == LayerDefinition.TargetFormat.CLASS_IDS;
        int[] targetShape = classIds ? new int[] {Shapes.ANY} : new int[] {Shapes.ANY, width};
        String dataLoss = penalties.isEmpty() ? "loss" : "data-loss";
        nodes.add(new NodeDefinition(dataLoss, loss.label(), List.of(previous, "y")));
        if (!penalties.isEmpty()) {
            String total = dataLoss;
            for (int p = 0; p < penalties.size(); p++) {
                String sum = p == penalties.size() - 1 ? "loss" : "loss.partial" + (p + 1);
                nodes.add(new NodeDefinition(sum, "add", List.of(total, penalties.get(p))));
                total = sum;
            }
        }
        return new GraphDefinition(layers.dtype(), Map.of("x", new int[] {Shapes.ANY, layers.inputSize()}),
                Map.of("y", targetShape), parameters, constants, nodes, "loss");
    }

    /** The index of a trailing softmax that the softmax-cross-entropy loss absorbs, or −1. */
    private static int lastActivationToFuse(LayerDefinition layers) {
        if (layers.loss() != LayerDefinition.Loss.SOFTMAX_CROSS_ENTROPY) {
            return -1;
        }
        int last = layers.layers().size() - 1;
        Layer layer = layers.layers().get(last);
        boolean softmax = layer instanceof DenseLayer dense && dense.activation() == Activation.SOFTMAX
                || layer instanceof ActivationLayer activation && activation.activation() == Activation.SOFTMAX;
        return softmax ? last : -1;
    }

    /** Adds the nodes of a dense layer's L1/L2 penalties and returns the names of the penalty terms. */
    private static List<String> penalties(DenseLayer dense, LayerDefinition layers, Map<String, Tensor> constants,
            List<NodeDefinition> nodes) {
        List<String> terms = new ArrayList<>();
        DenseLayer.Regularization r = dense.regularization();
        penalty(dense.name() + ".weights", "l1", r.weightL1(), layers, constants, nodes, terms);
        penalty(dense.name() + ".weights", "l2", r.weightL2(), layers, constants, nodes, terms);
        penalty(dense.name() + ".biases", "l1", r.biasL1(), layers, constants, nodes, terms);
        penalty(dense.name() + ".biases", "l2", r.biasL2(), layers, constants, nodes, terms);
        return terms;
    }

    /** {@code factor · Σ|p|} (L1) or {@code factor · Σp²} (L2), built from primitives. */
    private static void penalty(String parameter, String kind, double factor, LayerDefinition layers,
            Map<String, Tensor> constants, List<NodeDefinition> nodes, List<String> terms) {
        if (factor == 0) {
            return;
        }
        String prefix = parameter + "." + kind;
        String factorName = prefix + ".factor";
        constants.put(factorName, Tensor.of(layers.dtype(), new int[0], new double[] {factor}));
        if (kind.equals("l1")) {
            nodes.add(new NodeDefinition(prefix + ".abs", "abs", List.of(parameter)));
        } else {
            nodes.add(new NodeDefinition(prefix + ".square", "pow", List.of(parameter), Map.of("exponent", 2.0)));
        }
        nodes.add(new NodeDefinition(prefix + ".sum", "sum", List.of(prefix + (kind.equals("l1") ? ".abs" : ".square"))));
        nodes.add(new NodeDefinition(prefix, "mul", List.of(factorName, prefix + ".sum")));
        terms.add(prefix);
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
            op = OpSet.fromDefinition(node.op(), node.attributes());
        } catch (UnknownOpException e) {
            throw new DefinitionException(path + ".op", e.getMessage());
        } catch (AttributeException e) {
            throw new DefinitionException(path + "." + e.attribute(), e.problem());
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
