package io.jwsgi.middleware;

import java.util.List;
import java.util.Locale;

/**
 * Chooses a content coding from an {@code Accept-Encoding} header (RFC 9110 section 12.5.3) among
 * those a server holds ready, such as precompressed files.
 *
 * <p>Codings are compared case-insensitively, {@code x-gzip} counts as {@code gzip}, {@code *}
 * stands for every coding the header does not name, and a coding with {@code q=0} is refused.
 * {@code identity} is acceptable unless refused ({@code identity;q=0}, or {@code *;q=0} without
 * naming it); when the header does not name it, any accepted coding is preferred to it. The
 * highest q-value wins; on a tie, a coding wins over {@code identity}, and the earlier of the
 * server's codings over a later one. No header, or an empty one, asks for
 * {@code identity}. An element with a malformed q-value is ignored.
 */
final class AcceptEncoding {

    /** The coding that means "no coding". */
    static final String IDENTITY = "identity";

    private AcceptEncoding() {
    }

    /**
     * The coding to send.
     *
     * @param header the request's {@code Accept-Encoding}, or {@code null}
     * @param available the codings ready to send, best first (e.g. {@code br}, {@code gzip}), lower-case
     * @return one of {@code available}, or {@link #IDENTITY} (also when nothing is acceptable:
     *         sending the representation as it is then beats refusing it)
     */
    static String choose(String header, List<String> available) {
        if (header == null || header.isBlank() || available.isEmpty()) {
            return IDENTITY;
        }
        String best = IDENTITY;
        // identity not named (nor by *) is acceptable, but any accepted coding is preferred to it
        double bestQ = Math.max(0, quality(header, IDENTITY));
        for (String coding : available) {
            double q = quality(header, coding);
            if (q > 0 && (q > bestQ || (q == bestQ && best.equals(IDENTITY)))) {
                best = coding;
                bestQ = q;
            }
        }
        return best;
    }

    /** The q-value the header gives a coding: its own, else {@code *}'s, else -1 (not named). */
    static double quality(String header, String coding) {
        double star = -1;
        for (String element : header.split(",")) {
            String[] parts = element.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if (name.equals("x-gzip")) {
                name = "gzip";
            }
            if (name.isEmpty()) {
                continue;
            }
            double q = qValue(parts);
            if (q < 0) {
                continue;
            }
            if (name.equals(coding)) {
                return q;
            }
            if (name.equals("*")) {
                star = q;
            }
        }
        return star;
    }

    /** The {@code q} parameter of an element (1 without one), or -1 if it is malformed. */
    private static double qValue(String[] parts) {
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.length() < 2 || !parameter.substring(0, 2).equalsIgnoreCase("q=")) {
                continue;
            }
            String value = parameter.substring(2).trim();
            if (!value.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
                return -1;
            }
            q = Double.parseDouble(value);
        }
        return q;
    }
}
