package dev.gradflow.core.trace;

import dev.gradflow.core.graph.DenseLayer;
import dev.gradflow.core.graph.Layer;
import dev.gradflow.core.graph.LayerDefinition;
import dev.gradflow.core.graph.NetworkDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layers of a layer-list network as groups of a picture ({@link TracePicture#of(ChainRuleTrace, Map,
 * java.util.Set)}): each Dense layer's nodes (its product, bias and activation, fused into one {@code dense} op or
 * not, a softmax it ends with, its weights and biases, and its penalty terms), all named {@code <layer>.…}, are one
 * box. Activation and dropout layers are one node each and stay as they are; a general graph has no groups.
 */
public final class LayerGroups {
    private LayerGroups() {
    }

    /** The group of every grouped node, by node name. */
    public static Map<String, String> of(NetworkDefinition definition, List<String> nodeNames) {
        Map<String, String> groups = new LinkedHashMap<>();
        if (!(definition instanceof LayerDefinition layers)) {
            return groups;
        }
        for (Layer layer : layers.layers()) {
            if (layer instanceof DenseLayer) {
                String prefix = layer.name() + ".";
                for (String node : nodeNames) {
                    if (node.startsWith(prefix)) {
                        groups.put(node, layer.name());
                    }
                }
            }
        }
        return groups;
    }
}
