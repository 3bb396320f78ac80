package dev.gradflow.core.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One op node of a graph definition.
 *
 * @param name unique node name
 * @param op op name from the closed set, e.g. {@code "mul"}
 * @param inputs names of the nodes it reads, in order
 * @param attributes the op's attributes by name ({@code exponent}, {@code axis}, {@code min}, {@code shape}...), as
 *     read from JSON; which ones an op takes is the op set's business
 */
public record NodeDefinition(String name, String op, List<String> inputs, Map<String, Object> attributes) {
    public NodeDefinition {
        inputs = List.copyOf(inputs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** A node without attributes. */
    public NodeDefinition(String name, String op, List<String> inputs) {
        this(name, op, inputs, Map.of());
    }
}
