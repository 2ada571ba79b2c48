package io.jwsgi.sample;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON (RFC 8259) for the samples: {@link #quote} writes a string literal,
 * {@link #parse} reads any JSON text.
 *
 * <pre>{@code
 * String out = "{\"text\":" + Json.quote(text) + "}";
 * Map<String, Object> in = Json.parseObject(body);   // {"name": "Ada"} -> {name=Ada}
 * }</pre>
 *
 * <p>Parsed values are {@code Map<String, Object>} (keys in document order), {@code List<Object>},
 * {@code String}, {@code BigDecimal}, {@code Boolean} and {@code null}.
 */
public final class Json {

    /** Deeper nesting is refused rather than risking the parser's stack. */
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Returns {@code s} as a JSON string literal, quotes included. Control characters, {@code "}
     * and {@code \} are escaped; so are U+2028 and U+2029, which some JavaScript parsers reject.
     *
     * @param s the string
     * @return the literal
     */
    public static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Parses a JSON text.
     *
     * @param text the whole text; whitespace around the value is allowed, anything else is not
     * @return the value
     * @throws IllegalArgumentException naming the position and what was expected, if the text is not JSON
     */
    public static Object parse(String text) {
        Json parser = new Json(text);
        parser.skipSpace();
        Object value = parser.value(0);
        parser.skipSpace();
        if (parser.pos != text.length()) {
            throw parser.error("end of text");
        }
        return value;
    }

    /**
     * Parses a JSON text that must be an object.
     *
     * @param text the whole text
     * @return the object's members, in document order
     * @throws IllegalArgumentException if the text is not JSON or not an object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object, got " + describe(value));
        }
        return (Map<String, Object>) value;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof List ? "an array" : value instanceof String ? "a string"
                : value instanceof Boolean ? "a boolean" : "a number";
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("at most " + MAX_DEPTH + " levels of nesting");
        }
        if (pos >= text.length()) {
            throw error("a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> members = new LinkedHashMap<>();
        pos++;
        skipSpace();
        if (take('}')) {
            return members;
        }
        do {
            skipSpace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("a member name in double quotes");
            }
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            members.put(name, value(depth + 1));
            skipSpace();
        } while (take(','));
        expect('}');
        return members;
    }

    private List<Object> array(int depth) {
        List<Object> items = new ArrayList<>();
        pos++;
        skipSpace();
        if (take(']')) {
            return items;
        }
        do {
            skipSpace();
            items.add(value(depth + 1));
            skipSpace();
        } while (take(','));
        expect(']');
        return Collections.unmodifiableList(items);
    }

    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("no raw control character inside a string (escape it)");
            }
            out.append(c == '\\' ? escape() : c);
        }
        throw error("a closing double quote");
    }

    private char escape() {
        if (pos >= text.length()) {
            throw error("an escape character");
        }
        char c = text.charAt(pos++);
        switch (c) {
            case '"', '\\', '/':
                return c;
            case 'b':
                return '\b';
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'u':
                if (pos + 4 > text.length()) {
                    throw error("four hex digits after \\u");
                }
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(text.charAt(pos++), 16);
                    if (digit < 0) {
                        pos--;
                        throw error("four hex digits after \\u");
                    }
                    code = code * 16 + digit;
                }
                return (char) code;
            default:
                pos--;
                throw error("one of \" \\ / b f n r t u after a backslash");
        }
    }

    private BigDecimal number() {
        int start = pos;
        take('-');
        if (!take('0')) {
            digits();
        }
        if (take('.')) {
            digits();
        }
        if (take('e') || take('E')) {
            if (!take('+')) {
                take('-');
            }
            digits();
        }
        return new BigDecimal(text.substring(start, pos));
    }

    private void digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        if (pos == start) {
            throw error("a digit");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error(word);
        }
        pos += word.length();
        return value;
    }

    private boolean take(char c) {
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!take(c)) {
            throw error("'" + c + "'");
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = pos >= text.length() ? "the end of the text" : "'" + text.charAt(pos) + "'";
        return new IllegalArgumentException("invalid JSON at offset " + pos + ": expected " + expected + ", found " + found);
    }
}
