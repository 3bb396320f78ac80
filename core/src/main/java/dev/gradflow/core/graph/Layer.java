package dev.gradflow.core.graph;

/** One entry of a layer list. */
public sealed interface Layer permits DenseLayer, ActivationLayer, DropoutLayer {
    /** Stable name: node names and parameter names ({@code dense1.weights}) derive from it. */
    String name();
}
