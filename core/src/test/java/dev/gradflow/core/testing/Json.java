package dev.gradflow.core.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for test fixtures, producing the generic tree (maps, lists, strings, numbers, booleans,
 * nulls) that the core reads. The core itself never parses JSON; the services use Jackson for that.
 */
public final class Json {
    private final String text;
    private int position;

    private Json(String text) {
        this.text = text;
    }

    public static Object parse(String text) {
        Json json = new Json(text);
        Object value = json.value();
        json.skipSpace();
        if (json.position != text.length()) {
            throw new IllegalArgumentException("trailing text at " + json.position);
        }
        return value;
    }

    private Object value() {
        skipSpace();
        char c = text.charAt(position);
        switch (c) {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object() {
        Map<String, Object> map = new LinkedHashMap<>();
        position++;
        skipSpace();
        if (text.charAt(position) == '}') {
            position++;
            return map;
        }
        while (true) {
            skipSpace();
            String key = string();
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (text.charAt(position) == ',') {
                position++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array() {
        List<Object> list = new ArrayList<>();
        position++;
        skipSpace();
        if (text.charAt(position) == ']') {
            position++;
            return list;
        }
        while (true) {
            list.add(value());
            skipSpace();
            if (text.charAt(position) == ',') {
                position++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private String string() {
        expect('"');
        int end = text.indexOf('"', position);
        String value = text.substring(position, end);
        position = end + 1;
        return value;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw new IllegalArgumentException("bad literal at " + position);
        }
        position += word.length();
        return value;
    }

    private Number number() {
        int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) {
            position++;
        }
        String token = text.substring(start, position);
        if (token.isEmpty()) {
            throw new IllegalArgumentException("unexpected '" + text.charAt(start) + "' at " + start);
        }
        if (token.matches("-?\\d+")) {
            return Long.parseLong(token);
        }
        return Double.parseDouble(token);
    }

    private void expect(char c) {
        if (text.charAt(position) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + position + ", got '"
                    + text.charAt(position) + "'");
        }
        position++;
    }

    private void skipSpace() {
        while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
    }
}
