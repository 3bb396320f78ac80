package dev.gradflow.core.job;

import dev.gradflow.core.graph.DefinitionException;
import dev.gradflow.core.graph.JsonTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reads of a JSON tree that jobs need beyond {@link JsonTree}'s (booleans, long ranges, frozen copies), with
 * its messages, so a client sees one vocabulary.
 */
final class JobTrees {
    private JobTrees() {
    }

    static boolean bool(Object node, String path) {
        if (node instanceof Boolean value) {
            return value;
        }
        throw new DefinitionException(path, "expected a boolean, got " + JsonTree.describe(node));
    }

    /** An integer in [min, max]; 3.0 is accepted as 3 because JSON does not tell them apart. */
    static long integer(Object node, String path, long min, long max) {
        if (!(node instanceof Number number)) {
            throw new DefinitionException(path, "expected an integer, got " + JsonTree.describe(node));
        }
        double value = number.doubleValue();
        if (value != Math.rint(value) || Math.abs(value) > (1L << 53)) {
            throw new DefinitionException(path, "expected an integer, got " + node);
        }
        long whole = (long) value;
        if (whole < min || whole > max) {
            throw new DefinitionException(path, "must be between " + min + " and " + max + ", got " + whole);
        }
        return whole;
    }

    /**
     * A deep, unmodifiable copy, so that a {@link JobDefinition} stays what was validated even if the caller reuses
     * its maps. Unmodifiable wrappers rather than {@code Map.copyOf}, which refuses the nulls JSON may hold (a
     * shape's batch dimension is {@code null}).
     */
    static Object frozenCopy(Object node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), frozenCopy(value)));
            return Collections.unmodifiableMap(copy);
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(value -> copy.add(frozenCopy(value)));
            return Collections.unmodifiableList(copy);
        }
        return node;
    }
}
