package io.jwsgi.middleware;

/**
 * A single byte range of a representation, parsed from a {@code Range} header (RFC 9110 section 14).
 *
 * @param kind what to send
 * @param start the first byte, for {@link Kind#PARTIAL}
 * @param end the last byte, inclusive, for {@link Kind#PARTIAL}
 */
record ByteRange(Kind kind, long start, long end) {

    /** What the header asks for, as far as this server serves ranges. */
    enum Kind {
        /** No range, a malformed one, another unit or several ranges: send the whole representation ({@code 200}). */
        WHOLE,
        /** One satisfiable range: send it ({@code 206}). */
        PARTIAL,
        /** A well-formed range that lies outside the representation: {@code 416}. */
        UNSATISFIABLE
    }

    static final ByteRange WHOLE = new ByteRange(Kind.WHOLE, 0, -1);
    static final ByteRange UNSATISFIABLE = new ByteRange(Kind.UNSATISFIABLE, 0, -1);

    /**
     * Parses a {@code Range} header against a representation's length.
     *
     * @param header the header value, or {@code null}
     * @param length the representation's length in bytes
     * @return {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n} as a range; anything else whole
     */
    static ByteRange parse(String header, long length) {
        if (header == null) {
            return WHOLE;
        }
        String h = header.trim();
        if (h.length() < 6 || !h.substring(0, 6).equalsIgnoreCase("bytes=")) {
            return WHOLE;
        }
        String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0) {
            // Several ranges would need multipart/byteranges; a server may send the whole instead.
            return WHOLE;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            long suffix = number(last);
            if (suffix < 0) {
                return WHOLE;
            }
            if (suffix == 0 || length == 0) {
                return UNSATISFIABLE;
            }
            return new ByteRange(Kind.PARTIAL, Math.max(0, length - suffix), length - 1);
        }
        long start = number(first);
        long end = last.isEmpty() ? Long.MAX_VALUE : number(last);
        if (start < 0 || end < 0 || end < start) {
            return WHOLE;
        }
        if (start >= length) {
            return UNSATISFIABLE;
        }
        return new ByteRange(Kind.PARTIAL, start, Math.min(end, length - 1));
    }

    /** The number of bytes in a partial range. */
    long length() {
        return end - start + 1;
    }

    /** A decimal number; {@code Long.MAX_VALUE} if it is too large to hold; -1 if not digits. */
    private static long number(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
