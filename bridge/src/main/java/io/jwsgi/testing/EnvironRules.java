package io.jwsgi.testing;

import io.jwsgi.Environ;
import io.jwsgi.server.HeaderRules;
import io.jwsgi.testing.ValidationError.Rule;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The validator's checks of the environ a server passes to {@code call}, after SPEC.md section 2. */
final class EnvironRules {

    /** The keys present in every environ, with the type of their values, in the order they are checked. */
    static final Map<String, Class<?>> REQUIRED = required();

    /** Keys present only sometimes; when present, their values are strings. */
    private static final List<String> OPTIONAL_STRINGS = List.of(Environ.CONTENT_TYPE, Environ.CONTENT_LENGTH,
            Environ.REMOTE_PORT);

    private EnvironRules() {
    }

    private static Map<String, Class<?>> required() {
        Map<String, Class<?>> keys = new LinkedHashMap<>();
        for (String cgi : List.of(Environ.REQUEST_METHOD, Environ.SCRIPT_NAME, Environ.PATH_INFO,
                Environ.QUERY_STRING, Environ.SERVER_NAME, Environ.SERVER_PORT, Environ.SERVER_PROTOCOL,
                Environ.REMOTE_ADDR)) {
            keys.put(cgi, String.class);
        }
        keys.put(Environ.WSGI_VERSION, List.class);
        keys.put(Environ.WSGI_URL_SCHEME, String.class);
        keys.put(Environ.WSGI_INPUT, InputStream.class);
        keys.put(Environ.WSGI_ERRORS, PrintWriter.class);
        keys.put(Environ.WSGI_MULTITHREAD, Boolean.class);
        keys.put(Environ.WSGI_MULTIPROCESS, Boolean.class);
        keys.put(Environ.WSGI_RUN_ONCE, Boolean.class);
        keys.put(Environ.WSGI_INPUT_TERMINATED, Boolean.class);
        keys.put(Environ.ASYNC_SLEEP, Runnable.class);
        keys.put(Environ.ASYNC_WAKE, Runnable.class);
        return Collections.unmodifiableMap(keys);
    }

    /**
     * Checks an environ.
     *
     * @throws ValidationError naming the first rule broken
     */
    static void check(Map<String, Object> environ, Report report) {
        if (environ == null) {
            throw report.fail(Rule.ENVIRON_KEY_TYPE, "environ must be a Map<String, Object>, got null");
        }
        for (Map.Entry<String, Class<?>> key : REQUIRED.entrySet()) {
            if (!environ.containsKey(key.getKey())) {
                throw report.fail(Rule.ENVIRON_KEY_MISSING, "environ must hold " + quote(key.getKey()) + " (a "
                        + key.getValue().getSimpleName() + ", SPEC.md section 2); it is missing");
            }
        }
        checkTypes(environ, report);
        checkForms(environ, report);
        checkPaths(environ, report);
    }

    private static void checkTypes(Map<String, Object> environ, Report report) {
        // Generics are erased: a server can hand over a map with keys of any type.
        Map<?, Object> raw = environ;
        for (Map.Entry<?, Object> entry : raw.entrySet()) {
            Object key = entry.getKey();
            if (!(key instanceof String)) {
                throw report.fail(Rule.ENVIRON_KEY_TYPE, "environ keys must be Strings, got " + describe(key));
            }
            String name = (String) key;
            Class<?> type = REQUIRED.get(name);
            if (type == null && (name.indexOf('.') < 0 || OPTIONAL_STRINGS.contains(name))) {
                type = String.class;
            }
            if (type != null && !type.isInstance(entry.getValue())) {
                throw report.fail(Rule.ENVIRON_KEY_TYPE, "environ[" + quote(name) + "] must be a " + type.getName()
                        + " (SPEC.md section 2), got " + describe(entry.getValue()));
            }
        }
    }

    private static void checkForms(Map<String, Object> environ, Report report) {
        String method = (String) environ.get(Environ.REQUEST_METHOD);
        if (!HeaderRules.isToken(method)) {
            throw report.fail(Rule.ENVIRON_VALUE, "REQUEST_METHOD must be an HTTP token such as \"GET\", got " + quote(method));
        }
        for (String key : List.of(Environ.SERVER_PORT, Environ.CONTENT_LENGTH, Environ.REMOTE_PORT)) {
            String value = (String) environ.get(key);
            if (value != null && !isDecimal(value)) {
                throw report.fail(Rule.ENVIRON_VALUE, key + " must be a decimal number, got " + quote(value));
            }
        }
        if (!Environ.VERSION.equals(environ.get(Environ.WSGI_VERSION))) {
            throw report.fail(Rule.ENVIRON_VALUE, "wsgi.version must be [1, 0] (Environ.VERSION), got "
                    + environ.get(Environ.WSGI_VERSION));
        }
        String scheme = (String) environ.get(Environ.WSGI_URL_SCHEME);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw report.fail(Rule.ENVIRON_VALUE, "wsgi.url_scheme must be \"http\" or \"https\", got " + quote(scheme));
        }
        String protocol = (String) environ.get(Environ.SERVER_PROTOCOL);
        if (!protocol.startsWith("HTTP/")) {
            throw report.fail(Rule.ENVIRON_VALUE, "SERVER_PROTOCOL must be \"HTTP/<version>\" such as \"HTTP/1.1\", got "
                    + quote(protocol));
        }
        for (String key : List.of("HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE")) {
            if (environ.containsKey(key)) {
                String cgi = key.substring(Environ.HTTP_PREFIX.length());
                throw report.fail(Rule.HTTP_CONTENT_HEADER, "the request's " + (cgi.endsWith("TYPE") ? "Content-Type"
                        : "Content-Length") + " must be " + cgi + ", never " + key + "; got " + key + "="
                        + describe(environ.get(key)));
            }
        }
    }

    private static void checkPaths(Map<String, Object> environ, Report report) {
        String script = (String) environ.get(Environ.SCRIPT_NAME);
        String path = (String) environ.get(Environ.PATH_INFO);
        if (!script.isEmpty() && (!script.startsWith("/") || script.endsWith("/"))) {
            throw report.fail(Rule.SCRIPT_NAME, "SCRIPT_NAME must be \"\" or start with \"/\" and not end with \"/\"; got "
                    + quote(script));
        }
        if (!path.isEmpty() && !path.startsWith("/")) {
            throw report.fail(Rule.PATH_INFO, "PATH_INFO must be \"\" or start with \"/\"; got " + quote(path));
        }
        if (script.isEmpty() && path.isEmpty()) {
            throw report.fail(Rule.PATH_INFO, "SCRIPT_NAME and PATH_INFO must not both be empty"
                    + " (PATH_INFO is at least \"/\" when the application is mounted at the root); got \"\" and \"\"");
        }
    }

    private static boolean isDecimal(String value) {
        return !value.isEmpty() && value.length() <= 18 && value.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static String quote(String s) {
        return s == null ? "null" : HeaderRules.quote(s);
    }

    /** Renders a value of any type for a message: its class and, for strings and simple values, the value. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        String shown = String.valueOf(value);
        if (shown.length() > 80) {
            shown = shown.substring(0, 80) + "...";
        }
        return value.getClass().getName() + " " + shown;
    }
}
