package dev.gradflow.core.graph;

import dev.gradflow.core.ops.Op;
import dev.gradflow.core.tensor.Tensor;

/**
 * One node of a compiled graph.
 *
 * @param name unique name
 * @param kind role of the node
 * @param shape declared shape; {@link dev.gradflow.core.tensor.Shapes#ANY} marks the batch dimension
 * @param op the op, for {@link NodeKind#OP} nodes only
 * @param inputs indices of the nodes the op reads (all smaller than this node's index)
 * @param value the stored value of a parameter or constant, otherwise null
 */
public record GraphNode(String name, NodeKind kind, int[] shape, Op op, int[] inputs, Tensor value) {
}
