package io.jwsgi.middleware;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/** Conditional request rules (RFC 9110 section 13) for a representation with an entity tag and a date. */
final class Conditional {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private Conditional() {
    }

    /**
     * Whether a {@code GET}/{@code HEAD} may be answered {@code 304 Not Modified}: {@code If-None-Match}
     * lists the tag (weak comparison) or is {@code *}; only without it, {@code If-Modified-Since} is
     * not before the last modification (to the second).
     *
     * @param environ the request's environ
     * @param etag the representation's entity tag, quoted
     * @param lastModified the last modification, in epoch milliseconds
     * @return {@code true} for {@code 304}
     */
    static boolean notModified(Map<String, Object> environ, String etag, long lastModified) {
        if (environ.get("HTTP_IF_NONE_MATCH") instanceof String ifNoneMatch) {
            return ifNoneMatch.trim().equals("*") || listsTag(ifNoneMatch, etag);
        }
        if (environ.get("HTTP_IF_MODIFIED_SINCE") instanceof String since) {
            Instant date = parseDate(since);
            return date != null && lastModified / 1000 <= date.getEpochSecond();
        }
        return false;
    }

    /**
     * Whether a {@code Range} may be honoured (RFC 9110 section 13.1.5): no {@code If-Range}, or one
     * that names the current representation exactly: a strong tag equal to {@code etag} (a weak tag
     * never matches), or a date equal to {@code Last-Modified} while that date is a strong validator,
     * that is, at least one second in the past (a file changed within the current second could
     * change again under the same date).
     *
     * @param environ the request's environ
     * @param etag the representation's entity tag, quoted
     * @param lastModified the last modification, in epoch milliseconds
     * @return {@code true} if the range applies
     */
    static boolean rangeApplies(Map<String, Object> environ, String etag, long lastModified) {
        if (!(environ.get("HTTP_IF_RANGE") instanceof String ifRange)) {
            return true;
        }
        String v = ifRange.trim();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return v.equals(etag);
        }
        Instant date = parseDate(v);
        long second = lastModified / 1000;
        return date != null && date.getEpochSecond() == second && second < System.currentTimeMillis() / 1000;
    }

    /** Formats an HTTP date: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    static String httpDate(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }

    private static boolean listsTag(String header, String etag) {
        String opaque = weakless(etag);
        for (String candidate : header.split(",")) {
            if (weakless(candidate.trim()).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String weakless(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    private static Instant parseDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
