package dev.gradflow.core.ops;

import java.util.List;
import java.util.Map;

/**
 * The attributes a definition gives an op node, as read from JSON (numbers, integers, integer lists, strings), with typed
 * reads that fail with an {@link AttributeException} naming the attribute.
 */
public final class Attributes {
    private final Map<String, Object> values;

    public Attributes(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** A finite number. */
    public double number(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw new AttributeException(name, "is required");
        }
        if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
            throw new AttributeException(name, "must be a finite number, got " + value);
        }
        return number.doubleValue();
    }

    /** An integer, or null when absent. */
    public Integer optionalInteger(String name) {
        Long value = optionalLong(name);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new AttributeException(name, "must be an integer, got " + values.get(name));
        }
        return value.intValue();
    }

    /** A 64-bit integer (exact up to 2^53 when it came through JSON as a double), or null when absent. */
    public Long optionalLong(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        double number = number(name);
        if (number != Math.rint(number) || Math.abs(number) > (1L << 53)) {
            throw new AttributeException(name, "must be an integer, got " + value);
        }
        return (long) number;
    }

    /** A string. */
    public String text(String name) {
        Object value = values.get(name);
        if (!(value instanceof String text)) {
            throw new AttributeException(name, value == null ? "is required" : "must be a string, got " + value);
        }
        return text;
    }

    /** A list of integers. */
    public int[] integers(String name) {
        Object value = values.get(name);
        if (!(value instanceof List<?> list)) {
            throw new AttributeException(name, value == null ? "is required" : "must be an array of integers");
        }
        int[] result = new int[list.size()];
        for (int i = 0; i < result.length; i++) {
            Object element = list.get(i);
            if (!(element instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                    || Math.abs(number.doubleValue()) > Integer.MAX_VALUE) {
                throw new AttributeException(name, "element " + i + " must be an integer, got " + element);
            }
            result[i] = number.intValue();
        }
        return result;
    }
}
