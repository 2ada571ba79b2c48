package io.jwsgi.middleware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The byte ranges of a representation that a {@code Range} header asks for (RFC 9110 section 14),
 * sorted and coalesced.
 *
 * <p>Ranges that overlap, touch or lie closer than {@link #COALESCE_GAP} bytes are merged into one
 * (RFC 9110 section 14.2 allows it, regardless of the order they were asked in), so a client cannot
 * make the server send the same bytes many times. A header with more than {@link #MAX_SPECS}
 * range specs, or one that still needs more than {@link #MAX_PARTS} parts after merging, is ignored
 * (the whole representation is sent), as section 14.2 advises for sets of many small ranges.
 *
 * @param kind what to send
 * @param spans for {@link Kind#PARTIAL}: one or more ranges, ascending and disjoint
 */
record ByteRange(Kind kind, List<Span> spans) {

    /** What the header asks for, as far as this server serves ranges. */
    enum Kind {
        /** No range, a malformed one, another unit or too many ranges: send the whole representation ({@code 200}). */
        WHOLE,
        /** One or more satisfiable ranges: send them ({@code 206}; several as {@code multipart/byteranges}). */
        PARTIAL,
        /** Well-formed ranges of which none lies inside the representation: {@code 416}. */
        UNSATISFIABLE
    }

    /**
     * One satisfiable range.
     *
     * @param start the first byte
     * @param end the last byte, inclusive
     */
    record Span(long start, long end) {
        /** The number of bytes in the range. */
        long length() {
            return end - start + 1;
        }
    }

    /** Range specs beyond this many make the header ignored, unparsed. */
    static final int MAX_SPECS = 64;
    /** Parts beyond this many, after merging, make the header ignored. */
    static final int MAX_PARTS = 16;
    /** Ranges this close are merged: a part's own headers cost about as much. */
    static final long COALESCE_GAP = 80;

    static final ByteRange WHOLE = new ByteRange(Kind.WHOLE, List.of());
    static final ByteRange UNSATISFIABLE = new ByteRange(Kind.UNSATISFIABLE, List.of());

    /**
     * Parses a {@code Range} header against a representation's length.
     *
     * @param header the header value, or {@code null}
     * @param length the representation's length in bytes
     * @return the ranges to send, {@link #UNSATISFIABLE}, or {@link #WHOLE} for anything malformed or abusive
     */
    static ByteRange parse(String header, long length) {
        if (header == null) {
            return WHOLE;
        }
        String h = header.trim();
        if (h.length() < 6 || !h.substring(0, 6).equalsIgnoreCase("bytes=")) {
            return WHOLE;
        }
        String[] specs = h.substring(6).split(",", MAX_SPECS + 2);
        if (specs.length > MAX_SPECS) {
            return WHOLE;
        }
        List<Span> satisfiable = new ArrayList<>();
        boolean any = false;
        for (String spec : specs) {
            if (spec.isBlank()) {
                continue; // RFC 9110 section 5.6.1: empty list elements are allowed and ignored
            }
            long[] bounds = bounds(spec.trim(), length);
            if (bounds == null) {
                return WHOLE;
            }
            any = true;
            if (bounds.length == 2) {
                satisfiable.add(new Span(bounds[0], bounds[1]));
            }
        }
        if (!any) {
            return WHOLE;
        }
        if (satisfiable.isEmpty()) {
            return UNSATISFIABLE;
        }
        List<Span> merged = coalesce(satisfiable);
        return merged.size() > MAX_PARTS ? WHOLE : new ByteRange(Kind.PARTIAL, List.copyOf(merged));
    }

    /** {@code {start, end}} of a satisfiable spec, {@code {}} for an unsatisfiable one, {@code null} if malformed. */
    private static long[] bounds(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        String first = spec.substring(0, dash).trim();
        String last = spec.substring(dash + 1).trim();
        if (first.isEmpty()) {
            long suffix = number(last);
            if (suffix < 0) {
                return null;
            }
            return suffix == 0 || length == 0 ? new long[0] : new long[] {Math.max(0, length - suffix), length - 1};
        }
        long start = number(first);
        long end = last.isEmpty() ? Long.MAX_VALUE : number(last);
        if (start < 0 || end < 0 || end < start) {
            return null;
        }
        return start >= length ? new long[0] : new long[] {start, Math.min(end, length - 1)};
    }

    private static List<Span> coalesce(List<Span> spans) {
        spans.sort(Comparator.comparingLong(Span::start));
        List<Span> merged = new ArrayList<>();
        Span current = spans.get(0);
        for (Span next : spans.subList(1, spans.size())) {
            if (next.start() <= current.end() + 1 + COALESCE_GAP) {
                current = new Span(current.start(), Math.max(current.end(), next.end()));
            } else {
                merged.add(current);
                current = next;
            }
        }
        merged.add(current);
        return merged;
    }

    /** The only range, for a single-part response. */
    Span single() {
        return spans.get(0);
    }

    /** A decimal number; {@code Long.MAX_VALUE} if it is too large to hold; -1 if not digits. */
    private static long number(String s) {
        if (s.isEmpty() || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
    }
}
