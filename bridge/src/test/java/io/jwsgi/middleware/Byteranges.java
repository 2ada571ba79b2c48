package io.jwsgi.middleware;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of {@code multipart/byteranges} bodies (RFC 9110 section 14.6, RFC 2046 section
 * 5.1) for tests: every delimiter, header line and part length is checked, so a body that a client
 * could misread fails here.
 */
public final class Byteranges {

    /**
     * One part.
     *
     * @param headers its header fields, names lower-cased
     * @param first the first byte, from its {@code Content-Range}
     * @param last the last byte
     * @param total the representation's length
     * @param data the part's bytes
     */
    public record Part(Map<String, String> headers, long first, long last, long total, byte[] data) {
    }

    private static final Pattern BOUNDARY = Pattern.compile(
            "multipart/byteranges;\\s*boundary=(\"?)([0-9A-Za-z'()+_,./:=?-]{1,70})\\1", Pattern.CASE_INSENSITIVE);
    private static final Pattern RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    private Byteranges() {
    }

    /**
     * Reads a body.
     *
     * @param contentType the response's {@code Content-Type}
     * @param body the response's body
     * @return its parts, in order
     * @throws AssertionError naming what is malformed
     */
    public static List<Part> parse(String contentType, byte[] body) {
        Matcher type = BOUNDARY.matcher(contentType == null ? "" : contentType);
        check(type.matches(), "Content-Type must be multipart/byteranges with a boundary, got " + contentType);
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + type.group(2);
        int at = expect(text, 0, delimiter + "\r\n");
        List<Part> parts = new ArrayList<>();
        while (true) {
            Map<String, String> headers = new LinkedHashMap<>();
            int end;
            while ((end = text.indexOf("\r\n", at)) != at) {
                check(end > at, "part header line not ended by CRLF at byte " + at);
                String line = text.substring(at, end);
                int colon = line.indexOf(':');
                check(colon > 0, "part header line without a colon: " + line);
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                at = end + 2;
            }
            at += 2;
            String contentRange = headers.get("content-range");
            Matcher range = RANGE.matcher(contentRange == null ? "" : contentRange);
            check(range.matches(), "part " + parts.size() + " needs Content-Range: bytes a-b/len, got " + contentRange);
            long first = Long.parseLong(range.group(1));
            long last = Long.parseLong(range.group(2));
            int length = Math.toIntExact(last - first + 1);
            check(at + length <= body.length, "part " + parts.size() + " is cut short: " + contentRange);
            parts.add(new Part(headers, first, last, Long.parseLong(range.group(3)),
                    Arrays.copyOfRange(body, at, at + length)));
            at = expect(text, at + length, "\r\n" + delimiter);
            if (text.startsWith("--\r\n", at)) {
                check(at + 4 == body.length, "bytes after the closing delimiter");
                return parts;
            }
            at = expect(text, at, "\r\n");
        }
    }

    private static int expect(String text, int at, String expected) {
        check(text.startsWith(expected, at), "expected " + expected.replace("\r\n", "CRLF") + " at byte " + at
                + ", found " + text.substring(at, Math.min(text.length(), at + expected.length() + 10)).replace("\r\n", "CRLF"));
        return at + expected.length();
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError("multipart/byteranges: " + message);
        }
    }
}
