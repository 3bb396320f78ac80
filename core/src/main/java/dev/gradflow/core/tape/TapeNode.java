package dev.gradflow.core.tape;

import dev.gradflow.core.graph.NodeKind;
import dev.gradflow.core.tensor.Tensor;
import java.util.List;

/**
 * One recorded node.
 *
 * @param name the node's name in the definition
 * @param kind its role
 * @param shape its concrete shape in this batch
 * @param op op name for {@link NodeKind#OP} nodes, otherwise null
 * @param attributes op attributes (exponent, axis), empty otherwise
 * @param inputs indices of the input nodes, each smaller than this node's own index
 * @param saved what the op's backward rule reads, in the op's order; empty for leaves
 */
public record TapeNode(String name, NodeKind kind, int[] shape, String op, double[] attributes, int[] inputs,
        List<Tensor> saved) {
    public TapeNode {
        saved = List.copyOf(saved);
    }

    public static TapeNode leaf(String name, NodeKind kind, int[] shape) {
        return new TapeNode(name, kind, shape, null, new double[0], new int[0], List.of());
    }
}
