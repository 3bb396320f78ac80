package dev.gradflow.core.graph;

/**
 * Size limits enforced on definitions and batches before anything large is allocated.
 *
 * @param maxTensorElements largest number of elements in any one tensor (parameter, input, target)
 * @param maxNodes largest number of nodes in a graph, after a layer list is compiled
 */
public record Limits(long maxTensorElements, int maxNodes) {
    /** 16 Mi elements (128 MiB of float64) per tensor and 10,000 nodes. */
    public static final Limits DEFAULT = new Limits(16L << 20, 10_000);

    public Limits {
        if (maxTensorElements < 1 || maxNodes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
