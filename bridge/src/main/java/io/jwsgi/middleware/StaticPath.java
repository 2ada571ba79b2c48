package io.jwsgi.middleware;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checks a {@code PATH_INFO} passes before a static file is looked up, kept apart so that each
 * refusal can be tested alone. The result lists plain segments only: no separators, no {@code .}
 * or {@code ..}, nothing a file system could read as a root, a drive or a device.
 *
 * @param segments the path's segments, each safe to resolve against a root directory
 * @param directory whether the path ended with {@code /} (the index file is meant)
 */
record StaticPath(List<String> segments, boolean directory) {

    /** Why a path was refused: a malformed or hostile request, or a name that is never served. */
    enum Refusal {
        /** No client sends this in good faith: answered {@code 400}. */
        BAD_REQUEST,
        /** A hidden (dot) file: answered as if it did not exist. */
        HIDDEN
    }

    /** A refused path, with the rule it broke. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        Refused(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        Refusal refusal() {
            return refusal;
        }
    }

    /**
     * Splits and checks a decoded {@code PATH_INFO}.
     *
     * @param pathInfo {@code ""} or a path starting with {@code /}
     * @return the safe segments
     * @throws Refused naming the rule the path broke
     */
    static StaticPath parse(String pathInfo) throws Refused {
        if (pathInfo.isEmpty() || pathInfo.equals("/")) {
            return new StaticPath(List.of(), true);
        }
        if (pathInfo.charAt(0) != '/') {
            throw bad("PATH_INFO must start with /", pathInfo);
        }
        if (pathInfo.indexOf('\0') >= 0) {
            throw bad("a NUL character", pathInfo);
        }
        if (pathInfo.indexOf('\\') >= 0) {
            throw bad("a backslash (a separator on Windows)", pathInfo);
        }
        String lower = pathInfo.toLowerCase(Locale.ROOT);
        for (String encoded : new String[] {"%2f", "%5c", "%2e", "%00", "%25"}) {
            if (lower.contains(encoded)) {
                throw bad("an encoded " + encoded + " left after decoding (double encoding)", pathInfo);
            }
        }
        boolean directory = pathInfo.endsWith("/");
        String[] parts = pathInfo.substring(1, directory ? pathInfo.length() - 1 : pathInfo.length()).split("/", -1);
        List<String> segments = new ArrayList<>(parts.length);
        for (String part : parts) {
            segments.add(check(part, pathInfo));
        }
        return new StaticPath(List.copyOf(segments), directory);
    }

    private static String check(String segment, String pathInfo) throws Refused {
        if (segment.isEmpty()) {
            throw bad("an empty segment (//), as in an absolute path", pathInfo);
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw bad("a " + segment + " segment", pathInfo);
        }
        if (segment.indexOf(':') >= 0) {
            throw bad("a colon (a drive letter or stream name on Windows)", pathInfo);
        }
        for (int i = 0; i < segment.length(); i++) {
            if (segment.charAt(i) < ' ' || segment.charAt(i) == 0x7f) {
                throw bad("a control character", pathInfo);
            }
        }
        if (segment.charAt(0) == '.') {
            throw new Refused(Refusal.HIDDEN, "static files do not serve hidden names (starting with .): " + segment);
        }
        return segment;
    }

    private static Refused bad(String what, String pathInfo) {
        return new Refused(Refusal.BAD_REQUEST, "static file path refused: it holds " + what + ": "
                + io.jwsgi.server.HeaderRules.quote(pathInfo));
    }

    /** The segments joined with {@code /}, with the index file appended for a directory. */
    String join(String indexFile) {
        String joined = String.join("/", segments);
        if (directory) {
            return joined.isEmpty() ? indexFile : joined + "/" + indexFile;
        }
        return joined;
    }
}
