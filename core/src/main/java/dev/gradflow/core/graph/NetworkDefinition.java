package dev.gradflow.core.graph;

import dev.gradflow.core.tensor.DType;

/** A network as its owner declared it: a general graph, or a layer list that compiles to one. */
public sealed interface NetworkDefinition permits GraphDefinition, LayerDefinition {
    DType dtype();
}
