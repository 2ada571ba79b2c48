package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Mounts applications under path prefixes: a request goes to the application with the longest
 * prefix that matches its {@code PATH_INFO} at a segment boundary, and the prefix moves from
 * {@code PATH_INFO} to the end of {@code SCRIPT_NAME}.
 *
 * <pre>{@code
 * Application site = Dispatcher.builder()
 *         .mount("/api", new ApiApp())                       // /api/users -> SCRIPT_NAME .../api, PATH_INFO /users
 *         .mount("/static", StaticFiles.directory(Path.of("public")))
 *         .fallback(new HomeApp())                           // everything else; default: 404
 *         .build();
 * // as middleware, the wrapped application is the fallback:
 * Application app = Pipeline.of(new HomeApp()).with(a -> new Dispatcher(a, Map.of("/api", new ApiApp())));
 * }</pre>
 *
 * <p>{@code /api} matches {@code /api} and {@code /api/x}, never {@code /apix}; the mounted
 * application then sees {@code PATH_INFO} {@code ""} or {@code /x}. A request no prefix matches
 * goes to the fallback application, unchanged; without one it gets {@code 404 Not Found}. The
 * mounted application's body is returned as it is, so its chunks, its sleeps and its
 * {@code close()} reach the server untouched. The environ is copied before it is changed.
 */
public final class Dispatcher implements Application {

    private final List<Map.Entry<String, Application>> mounts;
    private final Application fallback;

    /**
     * Mounts applications in front of a fallback.
     *
     * @param fallback serves requests no prefix matches
     * @param mounts prefixes ({@code "/name"}, or {@code "/a/b"}; a trailing {@code /} is ignored) and their applications
     * @throws IllegalArgumentException if a prefix does not start with {@code /} or is given twice
     */
    public Dispatcher(Application fallback, Map<String, ? extends Application> mounts) {
        this.fallback = Objects.requireNonNull(fallback, "fallback application");
        Map<String, Application> normalized = new HashMap<>();
        for (Map.Entry<String, ? extends Application> e : mounts.entrySet()) {
            String prefix = normalize(e.getKey());
            if (normalized.put(prefix, Objects.requireNonNull(e.getValue(), "application mounted at " + prefix)) != null) {
                throw new IllegalArgumentException("Dispatcher prefix " + prefix + " is mounted twice"
                        + " (prefixes are compared without their trailing /)");
            }
        }
        List<Map.Entry<String, Application>> sorted = new ArrayList<>(normalized.entrySet());
        sorted.sort(Comparator.comparingInt((Map.Entry<String, Application> e) -> e.getKey().length()).reversed());
        this.mounts = List.copyOf(sorted);
    }

    /**
     * Starts a dispatcher whose fallback answers {@code 404 Not Found}.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        String path = environ.get(Environ.PATH_INFO) instanceof String p ? p : "";
        for (Map.Entry<String, Application> mount : mounts) {
            String prefix = mount.getKey();
            if (matches(path, prefix)) {
                Map<String, Object> moved = new HashMap<>(environ);
                String script = environ.get(Environ.SCRIPT_NAME) instanceof String s ? s : "";
                moved.put(Environ.SCRIPT_NAME, script + prefix);
                moved.put(Environ.PATH_INFO, path.substring(prefix.length()));
                return mount.getValue().call(moved, startResponse);
            }
        }
        return fallback.call(environ, startResponse);
    }

    /**
     * Whether a path lies under a prefix at a segment boundary.
     *
     * @param path a {@code PATH_INFO}
     * @param prefix a normalized prefix ({@code /name}, no trailing {@code /}; {@code ""} matches everything)
     * @return {@code true} if the path is the prefix or continues it with {@code /}
     */
    static boolean matches(String path, String prefix) {
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    private static String normalize(String prefix) {
        if (prefix == null || !(prefix.isEmpty() || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("Dispatcher prefix must start with / (e.g. \"/api\"), got "
                    + (prefix == null ? "null" : "\"" + prefix + "\""));
        }
        String p = prefix;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** Collects mounts and a fallback. */
    public static final class Builder {
        private final Map<String, Application> mounts = new LinkedHashMap<>();
        private Application fallback = (environ, startResponse) -> Pages.plain(startResponse, "404 Not Found");

        private Builder() {
        }

        /**
         * Mounts an application under a prefix.
         *
         * @param prefix {@code "/name"}; a trailing {@code /} is ignored; {@code ""} or {@code "/"} is the same as a fallback
         * @param app the application
         * @return this builder
         */
        public Builder mount(String prefix, Application app) {
            if (mounts.put(prefix, app) != null) {
                throw new IllegalArgumentException("Dispatcher prefix " + prefix + " is mounted twice");
            }
            return this;
        }

        /**
         * Serves the requests no prefix matches; the default answers {@code 404 Not Found}.
         *
         * @param app the application
         * @return this builder
         */
        public Builder fallback(Application app) {
            this.fallback = Objects.requireNonNull(app, "fallback application");
            return this;
        }

        /**
         * Builds the dispatcher.
         *
         * @return the dispatcher
         */
        public Dispatcher build() {
            return new Dispatcher(fallback, mounts);
        }
    }
}
