package dev.gradflow.core.graph;

/** The role of a node in a graph and on a tape. */
public enum NodeKind {
    /** Fed per batch; its gradient is reported. */
    INPUT,
    /** Fed per batch (labels, regression targets); treated as a constant, no gradient reported. */
    TARGET,
    /** A value stored in the definition; its gradient is reported under its stable name. */
    PARAMETER,
    /** A value stored in the definition; no gradient reported. */
    CONSTANT,
    /** The result of an op applied to other nodes. */
    OP
}
