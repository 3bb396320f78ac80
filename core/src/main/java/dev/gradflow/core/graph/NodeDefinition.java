package dev.gradflow.core.graph;

import java.util.List;

/**
 * One op node of a graph definition.
 *
 * @param name unique node name
 * @param op op name from the closed set, e.g. {@code "mul"}
 * @param inputs names of the nodes it reads, in order
 * @param exponent {@code pow}'s constant exponent, otherwise null
 * @param axis the axis of {@code sum} or {@code mean}; null for the whole tensor and for other ops
 */
public record NodeDefinition(String name, String op, List<String> inputs, Double exponent, Integer axis) {
    public NodeDefinition {
        inputs = List.copyOf(inputs);
    }
}
