package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Edits of a definition's JSON tree that keep everything else as the user wrote it. */
public final class DefinitionTrees {
    private DefinitionTrees() {
    }

    /**
     * The definition with its parameters set to {@code parameters}: a layer list's {@code weights} and
     * {@code biases} per dense layer, a graph's {@code parameters.<name>.value}. The result is a definition that
     * {@code POST /networks} takes and that compiles to the same network holding these values (a trained network,
     * or one whose initial weights were drawn outside it).
     *
     * @param tree Not modified: the definition as parsed JSON
     * @param definition what {@link DefinitionParser} made of {@code tree}
     * @param parameters a value per parameter of the network, by its compiled name ({@code dense1.weights})
     * @return a new tree; the untouched parts are shared with {@code tree}
     */
    public static Map<String, Object> withParameters(Map<String, Object> tree, NetworkDefinition definition,
            Map<String, Tensor> parameters) {
        Map<String, Object> copy = new LinkedHashMap<>(tree);
        if (definition instanceof LayerDefinition layers) {
            List<Object> layerTrees = new ArrayList<>(JsonTree.array(tree.get("layers"), "layers"));
            for (int i = 0; i < layers.layers().size(); i++) {
                if (layers.layers().get(i) instanceof DenseLayer dense) {
                    Map<String, Object> layer = new LinkedHashMap<>(JsonTree.object(layerTrees.get(i),
                            JsonTree.element("layers", i)));
                    layer.put("weights", NestedArrays.toNested(required(parameters, dense.name() + ".weights")));
                    layer.put("biases", NestedArrays.toNested(required(parameters, dense.name() + ".biases")));
                    layerTrees.set(i, layer);
                }
            }
            copy.put("layers", layerTrees);
            return copy;
        }
        Map<String, Object> section = new LinkedHashMap<>();
        Object existing = tree.get("parameters");
        if (existing != null) {
            for (Map.Entry<String, Object> entry : JsonTree.object(existing, "parameters").entrySet()) {
                Map<String, Object> spec = new LinkedHashMap<>(JsonTree.object(entry.getValue(), "parameters"));
                spec.put("value", NestedArrays.toNested(required(parameters, entry.getKey())));
                section.put(entry.getKey(), spec);
            }
        }
        copy.put("parameters", section);
        return copy;
    }

    private static Tensor required(Map<String, Tensor> parameters, String name) {
        Tensor value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no value for parameter \"" + name + "\"; got " + parameters.keySet());
        }
        return value;
    }
}
