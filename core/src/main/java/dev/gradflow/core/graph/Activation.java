package dev.gradflow.core.graph;

/** Activations, as a Dense layer's {@code activation} or as layers of their own. */
public enum Activation {
    /** The identity. */
    LINEAR("linear", null),
    RELU("relu", "relu"),
    SIGMOID("sigmoid", "sigmoid"),
    TANH("tanh", "tanh"),
    /** Softmax over the last axis; fused into the loss when it ends a list with loss softmax-cross-entropy. */
    SOFTMAX("softmax", "softmax");

    private final String label;
    private final String op;

    Activation(String label, String op) {
        this.label = label;
        this.op = op;
    }

    public String label() {
        return label;
    }

    /** The op that applies it, or null for the identity. */
    public String op() {
        return op;
    }
}
