package dev.gradflow.core.graph;

import static dev.gradflow.core.graph.JsonTree.array;
import static dev.gradflow.core.graph.JsonTree.child;
import static dev.gradflow.core.graph.JsonTree.element;
import static dev.gradflow.core.graph.JsonTree.integer;
import static dev.gradflow.core.graph.JsonTree.number;
import static dev.gradflow.core.graph.JsonTree.object;
import static dev.gradflow.core.graph.JsonTree.onlyKeys;
import static dev.gradflow.core.graph.JsonTree.required;
import static dev.gradflow.core.graph.JsonTree.string;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Shapes;
import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a network definition from a JSON tree. The format is documented in the README ("Network definitions");
 * unknown fields are rejected so that a typo is an error, not a silently different network.
 */
public final class DefinitionParser {
    /** Names of nodes, parameters and layers: letters, digits, '_', '-', '.', at most 128 characters. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,128}");
    private static final Pattern LAYER_NAME = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
    private static final int MAX_DIMENSION = 1 << 24;
    /** The fields every op node has; any other field of a node is an attribute of its op. */
    private static final Set<String> NODE_FIELDS = Set.of("name", "op", "inputs");

    private final Limits limits;

    public DefinitionParser(Limits limits) {
        this.limits = limits;
    }

    /**
     * Parses and fully checks a definition: names, references, op attributes, shapes and cycles are all checked
     * here, so a definition that parses also compiles.
     *
     * @throws DefinitionException naming the field and the problem
     */
    public NetworkDefinition parse(Object tree) {
        Map<String, Object> root = object(tree, "");
        Object kind = root.get("kind");
        NetworkDefinition definition;
        if ("graph".equals(kind)) {
            definition = parseGraph(root);
        } else if ("layers".equals(kind)) {
            definition = parseLayers(root);
        } else {
            throw new DefinitionException("kind", kind == null ? "is required: \"graph\" or \"layers\""
                    : "must be \"graph\" or \"layers\", got " + JsonTree.describe(kind));
        }
        GraphCompiler.compile(definition, limits);
        return definition;
    }

    /**
     * Whether a definition asks for every batch of its network to be traced ({@code "trace": true}), whatever the
     * batch's size. It changes no number, so it is not part of the parsed definition.
     *
     * @param tree a definition's JSON tree, already {@link #parse parsed} without error
     * @throws DefinitionException when {@code trace} is not a boolean
     */
    public static boolean traces(Object tree) {
        if (!(tree instanceof Map<?, ?> root) || root.get("trace") == null) {
            return false;
        }
        if (!(root.get("trace") instanceof Boolean trace)) {
            throw new DefinitionException("trace", "must be true or false, got " + JsonTree.describe(root.get("trace")));
        }
        return trace;
    }

    private static DType dtype(Map<String, Object> root) {
        Object value = root.get("dtype");
        if (value == null) {
            return DType.FLOAT64;
        }
        String label = string(value, "dtype");
        for (DType type : DType.values()) {
            if (type.label().equals(label)) {
                return type;
            }
        }
        throw new DefinitionException("dtype", "unsupported dtype \"" + label + "\"; use \"float32\" or \"float64\"");
    }

    private GraphDefinition parseGraph(Map<String, Object> root) {
        onlyKeys(root, "", Set.of("kind", "dtype", "inputs", "targets", "parameters", "constants", "nodes",
                "output", "trace"));
        traces(root);
        DType dtype = dtype(root);
        Map<String, int[]> inputs = declaredShapes(root.get("inputs"), "inputs", true);
        Map<String, int[]> targets = declaredShapes(root.get("targets"), "targets", false);
        Map<String, Tensor> parameters = values(root.get("parameters"), "parameters", dtype);
        Map<String, Tensor> constants = values(root.get("constants"), "constants", dtype);
        List<Object> nodeList = array(required(root, "", "nodes"), "nodes");
        if (nodeList.size() > limits.maxNodes()) {
            throw new DefinitionException("nodes", "has " + nodeList.size() + " nodes, more than the limit "
                    + limits.maxNodes());
        }
        List<NodeDefinition> nodes = new ArrayList<>();
        for (int i = 0; i < nodeList.size(); i++) {
            nodes.add(node(nodeList.get(i), element("nodes", i)));
        }
        String output = string(required(root, "", "output"), "output");
        return new GraphDefinition(dtype, inputs, targets, parameters, constants, nodes, output);
    }

    private static Map<String, int[]> declaredShapes(Object section, String path, boolean required) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (section == null) {
            if (required) {
                throw new DefinitionException(path, "is required (an object of name: {\"shape\": [...]})");
            }
            return shapes;
        }
        for (Map.Entry<String, Object> entry : object(section, path).entrySet()) {
            String entryPath = child(path, entry.getKey());
            name(entry.getKey(), entryPath);
            Map<String, Object> spec = object(entry.getValue(), entryPath);
            onlyKeys(spec, entryPath, Set.of("shape"));
            shapes.put(entry.getKey(), shape(required(spec, entryPath, "shape"), child(entryPath, "shape"), true));
        }
        return shapes;
    }

    /** A shape: an array of positive integers, where {@code null} (when allowed) marks the batch dimension. */
    private static int[] shape(Object tree, String path, boolean allowBatchDimension) {
        List<Object> dims = array(tree, path);
        if (dims.size() > Shapes.MAX_RANK) {
            throw new DefinitionException(path, "rank " + dims.size() + " exceeds the maximum " + Shapes.MAX_RANK);
        }
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object dim = dims.get(i);
            if (dim == null && allowBatchDimension) {
                shape[i] = Shapes.ANY;
            } else if (dim == null) {
                throw new DefinitionException(element(path, i), "must be a positive integer here");
            } else {
                shape[i] = integer(dim, element(path, i), 1, MAX_DIMENSION);
            }
        }
        return shape;
    }

    private Map<String, Tensor> values(Object section, String path, DType dtype) {
        Map<String, Tensor> values = new LinkedHashMap<>();
        if (section == null) {
            return values;
        }
        for (Map.Entry<String, Object> entry : object(section, path).entrySet()) {
            String entryPath = child(path, entry.getKey());
            name(entry.getKey(), entryPath);
            Map<String, Object> spec = object(entry.getValue(), entryPath);
            onlyKeys(spec, entryPath, Set.of("value", "shape"));
            Tensor value = NestedArrays.toTensor(required(spec, entryPath, "value"), child(entryPath, "value"),
                    dtype, limits.maxTensorElements());
            if (spec.get("shape") != null) {
                int[] declared = shape(spec.get("shape"), child(entryPath, "shape"), false);
                if (!Arrays.equals(declared, value.shape())) {
                    throw new DefinitionException(child(entryPath, "value"), "has shape "
                            + Shapes.format(value.shape()) + " but shape " + Shapes.format(declared) + " is declared");
                }
            }
            values.put(entry.getKey(), value);
        }
        return values;
    }

    private static NodeDefinition node(Object tree, String path) {
        Map<String, Object> node = object(tree, path);
        String name = name(string(required(node, path, "name"), child(path, "name")), child(path, "name"));
        String op = string(required(node, path, "op"), child(path, "op"));
        List<Object> inputList = array(required(node, path, "inputs"), child(path, "inputs"));
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < inputList.size(); i++) {
            inputs.add(string(inputList.get(i), element(child(path, "inputs"), i)));
        }
        Map<String, Object> attributes = new LinkedHashMap<>(node);
        attributes.keySet().removeAll(NODE_FIELDS);
        return new NodeDefinition(name, op, inputs, attributes);
    }

    private LayerDefinition parseLayers(Map<String, Object> root) {
        onlyKeys(root, "", Set.of("kind", "dtype", "inputSize", "seed", "layers", "loss", "targetFormat", "trace"));
        traces(root);
        DType dtype = dtype(root);
        int inputSize = integer(required(root, "", "inputSize"), "inputSize", 1, MAX_DIMENSION);
        long seed = root.get("seed") == null ? 0 : JsonTree.integer(root.get("seed"), "seed");
        List<Object> layerList = array(required(root, "", "layers"), "layers");
        if (layerList.isEmpty()) {
            throw new DefinitionException("layers", "must hold at least one layer");
        }
        if (layerList.size() > limits.maxNodes()) {
            throw new DefinitionException("layers", "has " + layerList.size() + " layers, more than the limit "
                    + limits.maxNodes());
        }
        LayerDefinition.Loss loss = label(LayerDefinition.Loss.values(), LayerDefinition.Loss::label,
                required(root, "", "loss"), "loss");
        LayerDefinition.TargetFormat targetFormat = root.get("targetFormat") == null
                ? LayerDefinition.TargetFormat.CLASS_IDS
                : label(LayerDefinition.TargetFormat.values(), LayerDefinition.TargetFormat::label,
                        root.get("targetFormat"), "targetFormat");
        if (!loss.categorical() && root.get("targetFormat") != null) {
            throw new DefinitionException("targetFormat", "only applies to the categorical losses"
                    + " (softmax-cross-entropy, categorical-cross-entropy)");
        }
        List<Layer> layers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, Integer> counts = new HashMap<>();
        int fanIn = inputSize;
        for (int i = 0; i < layerList.size(); i++) {
            String path = element("layers", i);
            Map<String, Object> layer = object(layerList.get(i), path);
            String type = string(required(layer, path, "type"), child(path, "type"));
            int number = counts.merge(type, 1, Integer::sum);
            String name = layer.get("name") == null ? type + number : string(layer.get("name"), child(path, "name"));
            if (!LAYER_NAME.matcher(name).matches()) {
                throw new DefinitionException(child(path, "name"), "must match " + LAYER_NAME.pattern());
            }
            if (!names.add(name)) {
                throw new DefinitionException(child(path, "name"), "duplicate layer name \"" + name + "\"");
            }
            Layer parsed = layer(layer, path, type, name, fanIn, dtype);
            if (parsed instanceof DenseLayer dense) {
                fanIn = dense.units();
            }
            layers.add(parsed);
        }
        if (!(layers.stream().anyMatch(l -> l instanceof DenseLayer))) {
            throw new DefinitionException("layers", "must hold at least one dense layer");
        }
        return new LayerDefinition(dtype, inputSize, seed, layers, loss, targetFormat);
    }

    private Layer layer(Map<String, Object> layer, String path, String type, String name, int fanIn, DType dtype) {
        switch (type) {
            case "dense" -> {
                return dense(layer, path, name, fanIn, dtype);
            }
            case "dropout" -> {
                onlyKeys(layer, path, Set.of("type", "name", "rate"));
                double rate = number(required(layer, path, "rate"), child(path, "rate"));
                if (!(rate >= 0 && rate < 1)) {
                    throw new DefinitionException(child(path, "rate"), "must be in [0, 1), got " + rate);
                }
                return new DropoutLayer(name, rate);
            }
            default -> {
                for (Activation activation : Activation.values()) {
                    if (activation.label().equals(type)) {
                        onlyKeys(layer, path, Set.of("type", "name"));
                        return new ActivationLayer(name, activation);
                    }
                }
                throw new DefinitionException(child(path, "type"), "unknown layer type \"" + type + "\", expected"
                        + " one of [dense, dropout, relu, sigmoid, tanh, softmax, linear]");
            }
        }
    }

    private DenseLayer dense(Map<String, Object> layer, String path, String name, int fanIn, DType dtype) {
        onlyKeys(layer, path, Set.of("type", "name", "units", "activation", "weights", "biases",
                "weightRegularizerL1", "weightRegularizerL2", "biasRegularizerL1", "biasRegularizerL2"));
        int units = integer(required(layer, path, "units"), child(path, "units"), 1, MAX_DIMENSION);
        if ((long) fanIn * units > limits.maxTensorElements()) {
            throw new DefinitionException(child(path, "units"), "weights of " + fanIn + " × " + units
                    + " exceed the limit of " + limits.maxTensorElements() + " elements per tensor");
        }
        Activation activation = layer.get("activation") == null ? Activation.LINEAR
                : label(Activation.values(), Activation::label, layer.get("activation"), child(path, "activation"));
        Tensor weights = optionalValue(layer.get("weights"), child(path, "weights"), dtype, fanIn, units);
        Tensor biases = optionalValue(layer.get("biases"), child(path, "biases"), dtype, units);
        DenseLayer.Regularization regularization = new DenseLayer.Regularization(
                penalty(layer, path, "weightRegularizerL1"), penalty(layer, path, "weightRegularizerL2"),
                penalty(layer, path, "biasRegularizerL1"), penalty(layer, path, "biasRegularizerL2"));
        return new DenseLayer(name, units, activation, weights, biases, regularization);
    }

    private static double penalty(Map<String, Object> layer, String path, String key) {
        if (layer.get(key) == null) {
            return 0;
        }
        double value = number(layer.get(key), child(path, key));
        if (value < 0) {
            throw new DefinitionException(child(path, key), "must be at least 0, got " + value);
        }
        return value;
    }

    private Tensor optionalValue(Object tree, String path, DType dtype, int... expectedShape) {
        if (tree == null) {
            return null;
        }
        Tensor value = NestedArrays.toTensor(tree, path, dtype, limits.maxTensorElements());
        if (!value.hasShape(expectedShape)) {
            throw new DefinitionException(path, "has shape " + Shapes.format(value.shape()) + ", expected "
                    + Shapes.format(expectedShape));
        }
        return value;
    }

    private static String name(String name, String path) {
        if (!NAME.matcher(name).matches()) {
            throw new DefinitionException(path, "name \"" + name + "\" must match " + NAME.pattern());
        }
        return name;
    }

    private static <E extends Enum<E>> E label(E[] values, Function<E, String> label,
            Object tree, String path) {
        String text = string(tree, path);
        for (E value : values) {
            if (label.apply(value).equals(text)) {
                return value;
            }
        }
        throw new DefinitionException(path, "unknown value \"" + text + "\", expected one of "
                + Arrays.stream(values).map(label).toList());
    }
}
