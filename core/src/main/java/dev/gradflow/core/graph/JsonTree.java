package dev.gradflow.core.graph;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, path-aware reads from a generic JSON tree, so that every error names the field it is about. A tree is
 * made of {@link Map} (objects), {@link List} (arrays), {@link String}, {@link Number}, {@link Boolean} and null.
 */
public final class JsonTree {
    private JsonTree() {
    }

    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object node, String path) {
        if (node instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new DefinitionException(path.isEmpty() ? "$" : path, "expected an object, got " + describe(node));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object node, String path) {
        if (node instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new DefinitionException(path, "expected an array, got " + describe(node));
    }

    /** Rejects keys outside {@code allowed}, so a misspelt field is reported instead of ignored. */
    public static void onlyKeys(Map<String, Object> object, String path, Set<String> allowed) {
        for (String key : object.keySet()) {
            if (!allowed.contains(key)) {
                throw new DefinitionException(child(path, key), "unknown field, expected one of "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    public static Object required(Map<String, Object> object, String path, String key) {
        if (!object.containsKey(key) || object.get(key) == null) {
            throw new DefinitionException(child(path, key), "is required");
        }
        return object.get(key);
    }

    public static String string(Object node, String path) {
        if (node instanceof String text) {
            if (text.isBlank()) {
                throw new DefinitionException(path, "must not be blank");
            }
            return text;
        }
        throw new DefinitionException(path, "expected a string, got " + describe(node));
    }

    public static double number(Object node, String path) {
        if (node instanceof Number number) {
            double value = number.doubleValue();
            if (!Double.isFinite(value)) {
                throw new DefinitionException(path, "must be a finite number, got " + value);
            }
            return value;
        }
        throw new DefinitionException(path, "expected a number, got " + describe(node));
    }

    public static long integer(Object node, String path) {
        double value = number(node, path);
        if (value != Math.rint(value) || Math.abs(value) > (1L << 53)) {
            throw new DefinitionException(path, "expected an integer, got " + node);
        }
        return (long) value;
    }

    /** An integer in [min, max]. */
    public static int integer(Object node, String path, int min, int max) {
        long value = integer(node, path);
        if (value < min || value > max) {
            throw new DefinitionException(path, "must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    public static String describe(Object node) {
        if (node == null) {
            return "null";
        }
        if (node instanceof Map) {
            return "an object";
        }
        if (node instanceof List) {
            return "an array";
        }
        if (node instanceof String text) {
            return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
        }
        if (node instanceof Boolean) {
            return "a boolean";
        }
        return node.toString();
    }
}
