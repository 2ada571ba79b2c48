package io.jwsgi.app;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} text: query strings and form bodies.
 *
 * <pre>{@code
 * FormData.parse("q=caf%C3%A9&tag=a&tag=b+c")   // {q=[café], tag=[a, b c]}
 * }</pre>
 *
 * <p>Pairs are separated by {@code &}; a pair without {@code =} has the value {@code ""};
 * {@code +} is a space and {@code %XX} a byte, decoded as UTF-8 (the URL standard's rules). A
 * malformed escape is kept as it is. Names keep their first-seen order; values their order.
 */
public final class FormData {

    private FormData() {
    }

    /**
     * Parses urlencoded text as UTF-8.
     *
     * @param text the text, e.g. a {@code QUERY_STRING}; {@code null} or empty gives an empty map
     * @return names to values, unmodifiable
     */
    public static Map<String, List<String>> parse(String text) {
        return parse(text, StandardCharsets.UTF_8);
    }

    /**
     * Parses urlencoded text whose escapes encode another charset.
     *
     * @param text the text
     * @param charset the charset of the escaped bytes
     * @return names to values, unmodifiable
     */
    public static Map<String, List<String>> parse(String text, Charset charset) {
        if (text == null || text.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Decodes one urlencoded component: {@code +} is a space, {@code %XX} a byte.
     *
     * @param s the component
     * @param charset the charset of the escaped bytes
     * @return the decoded text
     */
    public static String decode(String s, Charset charset) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (c == '%' && hi >= 0 && lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(charset);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    encoded = s.substring(i, i + 2).getBytes(charset);
                    i++;
                }
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(charset);
    }
}
