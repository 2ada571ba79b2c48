package io.jwsgi.bench;

/** Reads a number from a raw query string ({@code chunk=65536&total=1073741824}); the same code for every variant. */
final class Query {

    private Query() {
    }

    /**
     * @param query the raw query string, may be null
     * @param name the parameter
     * @param fallback the value when absent
     * @return the parameter's value as a long
     */
    static long number(String query, String name, long fallback) {
        if (query == null) {
            return fallback;
        }
        int at = query.startsWith(name + "=") ? 0 : query.indexOf("&" + name + "=");
        if (at < 0) {
            return fallback;
        }
        int start = query.indexOf('=', at) + 1;
        int end = query.indexOf('&', start);
        return Long.parseLong(query.substring(start, end < 0 ? query.length() : end));
    }
}
