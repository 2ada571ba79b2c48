package io.jwsgi.middleware;

import io.jwsgi.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Small transforms of response header lists, shared by the middleware. Lists are never modified in place. */
final class HeaderList {

    private HeaderList() {
    }

    /** The value of the first header with this name, or {@code null}. */
    static String get(List<Header> headers, String name) {
        for (Header h : headers) {
            if (h.is(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** A copy without any header of these names. */
    static List<Header> without(List<Header> headers, String... names) {
        List<Header> out = new ArrayList<>(headers.size() + 2);
        for (Header h : headers) {
            boolean drop = false;
            for (String name : names) {
                drop |= h.is(name);
            }
            if (!drop) {
                out.add(h);
            }
        }
        return out;
    }

    /** A copy where the headers of this name are replaced by one header with this value, at the first one's place. */
    static List<Header> with(List<Header> headers, String name, String value) {
        List<Header> out = new ArrayList<>(headers.size() + 1);
        boolean placed = false;
        for (Header h : headers) {
            if (!h.is(name)) {
                out.add(h);
            } else if (!placed) {
                out.add(new Header(h.name(), value));
                placed = true;
            }
        }
        if (!placed) {
            out.add(new Header(name, value));
        }
        return out;
    }

    /** Whether a comma-separated header value lists this token, ignoring case and parameters. */
    static boolean listsToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            String t = part.trim();
            int semi = t.indexOf(';');
            if (semi >= 0) {
                t = t.substring(0, semi).trim();
            }
            if (t.toLowerCase(Locale.ROOT).equals(token.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** The status code of {@code "NNN Reason"}, or -1 if the status is not of that form (the server will say so). */
    static int code(String status) {
        if (status == null || status.length() < 3) {
            return -1;
        }
        int code = 0;
        for (int i = 0; i < 3; i++) {
            char c = status.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            code = code * 10 + (c - '0');
        }
        return code;
    }
}
