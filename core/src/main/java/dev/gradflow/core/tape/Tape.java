package dev.gradflow.core.tape;

import dev.gradflow.core.tensor.DType;
import dev.gradflow.core.tensor.Tensor;
import java.util.List;

/**
 * The record of one forward pass: enough to run the backward pass with nothing else.
 *
 * @param dtype element type of the pass
 * @param nodes every node in execution order
 * @param output index of the output node
 * @param outputValue the output's value (the loss)
 */
public record Tape(DType dtype, List<TapeNode> nodes, int output, Tensor outputValue) {
    public Tape {
        nodes = List.copyOf(nodes);
    }
}
