package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Takes the client's address, scheme, host, port and path prefix from the {@code X-Forwarded-*}
 * headers set by reverse proxies, but only for requests that come from a trusted proxy.
 *
 * <pre>{@code
 * // one nginx at 10.0.0.5 in front, setting X-Forwarded-For, -Proto and -Host:
 * Application app = Pipeline.of(new ChatApp())
 *         .with(ProxyFix.trusting("10.0.0.5").forwardedFor(1).proto(1).host(1));
 * // a load balancer subnet and a CDN in front of it: two hops of X-Forwarded-For
 * Application lb = Pipeline.of(new ChatApp()).with(ProxyFix.trusting("10.1.0.0/16", "fd00::/8").forwardedFor(2));
 * }</pre>
 *
 * <p>Headers can be forged by anyone, so nothing happens unless {@code REMOTE_ADDR} (the peer
 * that connected to the server) is one of the trusted addresses or networks. Then, for each header,
 * only the number of hops configured for it is believed (Werkzeug's {@code ProxyFix} rule): with
 * {@code forwardedFor(n)}, the n-th value from the right of {@code X-Forwarded-For} becomes
 * {@code REMOTE_ADDR}, since each proxy appends the address it saw and anything further left may
 * be the client's invention; if the header has fewer than n values it is ignored. A count of 0
 * ignores the header. Defaults: {@code X-Forwarded-For} 1, {@code X-Forwarded-Proto} 1, the others 0.
 *
 * <table>
 *   <caption>What each header changes</caption>
 *   <tr><th>header</th><th>environ keys</th><th>accepted values</th></tr>
 *   <tr><td>{@code X-Forwarded-For}</td><td>{@code REMOTE_ADDR}</td><td>no space or control character</td></tr>
 *   <tr><td>{@code X-Forwarded-Proto}</td><td>{@code wsgi.url_scheme}</td><td>{@code http}, {@code https}</td></tr>
 *   <tr><td>{@code X-Forwarded-Host}</td><td>{@code HTTP_HOST}, {@code SERVER_NAME}, {@code SERVER_PORT}</td><td>{@code host} or {@code host:port}</td></tr>
 *   <tr><td>{@code X-Forwarded-Port}</td><td>{@code SERVER_PORT}, the port of {@code HTTP_HOST}</td><td>1 to 65535</td></tr>
 *   <tr><td>{@code X-Forwarded-Prefix}</td><td>{@code SCRIPT_NAME} (prefixed)</td><td>starts with {@code /}</td></tr>
 * </table>
 *
 * <p>RFC 7239's {@code Forwarded} header (parsed by {@link ForwardedHeader}) is read too. By
 * default ({@link Headers#FORWARDED_FIRST}) a well-formed one wins, and {@code X-Forwarded-For},
 * {@code -Proto}, {@code -Host} and {@code -Port} are then ignored; a malformed one is logged and
 * ignored. Hop counts do not apply to it: its elements are walked from the nearest proxy's back,
 * over each whose {@code for} is itself a trusted proxy, and the first other element gives
 * {@code REMOTE_ADDR} (an IP address; {@code unknown} and obfuscated nodes leave it as it was),
 * {@code wsgi.url_scheme} ({@code http} or {@code https}), {@code HTTP_HOST}, {@code SERVER_NAME}
 * and {@code SERVER_PORT} (the scheme's default port for a host without one) and
 * {@link ForwardedHeader#BY}. {@link Options#headers} chooses other precedence.
 *
 * <p>A value that is not accepted is ignored. The environ is copied before it is changed, and the
 * replaced values are kept under {@link #ORIGINAL}. The application's body is returned as it is,
 * so chunks, sleeps and {@code close()} reach the server untouched.
 */
public final class ProxyFix implements Application {

    /** Environ key: {@code Map<String, Object>} of the keys this middleware replaced, with their original values. */
    public static final String ORIGINAL = "jwsgi.proxy_fix.orig";

    private final Application app;
    private final Options options;

    /**
     * Wraps an application trusting only a proxy on the same host: {@code REMOTE_ADDR} in
     * {@code 127.0.0.0/8} or {@code ::1} (a front server on this machine, never a remote peer),
     * with the default hop counts ({@code X-Forwarded-For} 1, {@code X-Forwarded-Proto} 1, the
     * others 0). So {@code Pipeline.of(app).with(ProxyFix::new)} works as for the other
     * middleware; for a proxy on another host, use {@link #trusting}.
     *
     * @param app the application to wrap
     */
    public ProxyFix(Application app) {
        this(java.util.Objects.requireNonNull(app, "app"), trusting("127.0.0.0/8", "::1"));
    }

    private ProxyFix(Application app, Options options) {
        this.app = app;
        this.options = options;
    }

    /**
     * Starts the configuration: which peers are trusted proxies.
     *
     * @param proxies IP addresses ({@code "10.0.0.5"}, {@code "::1"}) or networks in CIDR notation
     *        ({@code "10.0.0.0/8"}, {@code "fd00::/8"}); host names are refused (no DNS lookups)
     * @return options with the default hop counts; itself the {@link Middleware}
     * @throws IllegalArgumentException if an entry is not an IP literal or CIDR block
     */
    public static Options trusting(String... proxies) {
        List<TrustedNetwork> networks = new ArrayList<>();
        for (String proxy : proxies) {
            networks.add(TrustedNetwork.parse(proxy));
        }
        if (networks.isEmpty()) {
            throw new IllegalArgumentException("ProxyFix.trusting needs at least one proxy address or network");
        }
        return new Options(List.copyOf(networks));
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        if (!(environ.get(Environ.REMOTE_ADDR) instanceof String peer) || !options.trusts(peer)) {
            return app.call(environ, startResponse);
        }
        Map<String, Object> env = new HashMap<>(environ);
        Map<String, Object> original = new LinkedHashMap<>();
        Changes changes = (key, value) -> {
            Object old = env.put(key, value);
            original.putIfAbsent(key, old == null ? "" : old);
        };
        ForwardedHeader.Element client = options.headers == Headers.X_FORWARDED_ONLY ? null
                : ForwardedHeader.client(environ.get("HTTP_FORWARDED") instanceof String f ? f : null, options::trusts);
        if (client != null) {
            applyForwarded(client, env, changes);
        } else if (options.headers != Headers.FORWARDED_ONLY) {
            applyXForwarded(environ, env, changes);
        }
        String prefix = hop(environ, "HTTP_X_FORWARDED_PREFIX", options.prefixIn);
        if (prefix != null && prefix.startsWith("/")) {
            String script = env.get(Environ.SCRIPT_NAME) instanceof String s ? s : "";
            changes.set(Environ.SCRIPT_NAME, prefix.replaceAll("/+$", "") + script);
        }
        env.put(ORIGINAL, Map.copyOf(original));
        return app.call(env, startResponse);
    }

    private void applyXForwarded(Map<String, Object> environ, Map<String, Object> env, Changes changes) {
        String forwardedFor = hop(environ, "HTTP_X_FORWARDED_FOR", options.forIn);
        if (forwardedFor != null) {
            changes.set(Environ.REMOTE_ADDR, forwardedFor);
        }
        String proto = hop(environ, "HTTP_X_FORWARDED_PROTO", options.protoIn);
        if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
            changes.set(Environ.WSGI_URL_SCHEME, proto.toLowerCase(Locale.ROOT));
        }
        applyHost(hop(environ, "HTTP_X_FORWARDED_HOST", options.hostIn), changes);
        applyPort(hop(environ, "HTTP_X_FORWARDED_PORT", options.portIn), env, changes);
    }

    /** The client's {@code Forwarded} element: address, scheme, host (a host without a port means the scheme's). */
    private static void applyForwarded(ForwardedHeader.Element client, Map<String, Object> env, Changes changes) {
        if (client.forAddress() != null) {
            changes.set(Environ.REMOTE_ADDR, client.forAddress());
        }
        if ("http".equals(client.proto()) || "https".equals(client.proto())) {
            changes.set(Environ.WSGI_URL_SCHEME, client.proto());
        }
        String[] host = client.host() == null ? null : hostPort(client.host());
        if (host != null) {
            applyHost(client.host(), changes);
            if (host[1] == null) {
                changes.set(Environ.SERVER_PORT, "https".equals(env.get(Environ.WSGI_URL_SCHEME)) ? "443" : "80");
            }
        }
        if (client.by() != null) {
            env.put(ForwardedHeader.BY, client.by());
        }
    }

    /** Sets an environ key, remembering its first value. */
    @FunctionalInterface
    private interface Changes {
        void set(String key, String value);
    }

    private static void applyHost(String host, Changes changes) {
        String[] parts = host == null ? null : hostPort(host);
        if (parts == null) {
            return;
        }
        changes.set("HTTP_HOST", host);
        changes.set(Environ.SERVER_NAME, parts[0]);
        if (parts[1] != null) {
            changes.set(Environ.SERVER_PORT, parts[1]);
        }
    }

    private static void applyPort(String port, Map<String, Object> env, Changes changes) {
        if (port == null || !validPort(port)) {
            return;
        }
        changes.set(Environ.SERVER_PORT, port);
        String[] host = env.get("HTTP_HOST") instanceof String h ? hostPort(h) : null;
        if (host != null) {
            changes.set("HTTP_HOST", (host[0].indexOf(':') >= 0 ? "[" + host[0] + "]" : host[0]) + ":" + port);
        }
    }

    /**
     * The value a header carries for the n-th hop from the right, or {@code null}.
     *
     * @param environ the environ
     * @param key the header's environ key
     * @param hops how many proxies are trusted to have appended to this header; 0 ignores it
     * @return the n-th value from the right, trimmed, if there are at least n and it holds no space or control character
     */
    static String hop(Map<String, Object> environ, String key, int hops) {
        if (hops == 0 || !(environ.get(key) instanceof String header)) {
            return null;
        }
        String[] values = header.split(",", -1);
        if (values.length < hops) {
            return null;
        }
        String value = values[values.length - hops].trim();
        if (value.isEmpty()) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return null;
            }
        }
        return value;
    }

    /** {@code {name, port or null}} of {@code host}, {@code host:port} or {@code [v6]:port}; {@code null} if malformed. */
    private static String[] hostPort(String host) {
        String name;
        String port = null;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = host.substring(1, close);
            String rest = host.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = host.indexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            port = colon < 0 ? null : host.substring(colon + 1);
        }
        if (name.isEmpty() || name.indexOf('/') >= 0 || (port != null && !validPort(port))) {
            return null;
        }
        return new String[] {name, port};
    }

    private static boolean validPort(String port) {
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return false;
        }
        int n = Integer.parseInt(port);
        return n >= 1 && n <= 65535;
    }

    /** Which forwarding headers a trusted proxy's request is read from. */
    public enum Headers {
        /** {@code Forwarded} when the request has a well-formed one, else {@code X-Forwarded-*} (the default). */
        FORWARDED_FIRST,
        /** Only {@code Forwarded}; {@code X-Forwarded-For}, {@code -Proto}, {@code -Host} and {@code -Port} are ignored. */
        FORWARDED_ONLY,
        /** Only {@code X-Forwarded-*}; {@code Forwarded} is ignored. */
        X_FORWARDED_ONLY
    }

    /** Which proxies are trusted and how many hops of each header are believed. Also the {@link Middleware}. */
    public static final class Options implements Middleware {
        private final List<TrustedNetwork> trusted;
        private int forIn = 1;
        private int protoIn = 1;
        private int hostIn;
        private int portIn;
        private int prefixIn;
        private Headers headers = Headers.FORWARDED_FIRST;

        private Options(List<TrustedNetwork> trusted) {
            this.trusted = trusted;
        }

        /** Hops of {@code X-Forwarded-For} to believe (default 1). @param hops 0 or more @return these options */
        public Options forwardedFor(int hops) {
            forIn = count("forwardedFor", hops);
            return this;
        }

        /** Hops of {@code X-Forwarded-Proto} to believe (default 1). @param hops 0 or more @return these options */
        public Options proto(int hops) {
            protoIn = count("proto", hops);
            return this;
        }

        /** Hops of {@code X-Forwarded-Host} to believe (default 0). @param hops 0 or more @return these options */
        public Options host(int hops) {
            hostIn = count("host", hops);
            return this;
        }

        /** Hops of {@code X-Forwarded-Port} to believe (default 0). @param hops 0 or more @return these options */
        public Options port(int hops) {
            portIn = count("port", hops);
            return this;
        }

        /** Hops of {@code X-Forwarded-Prefix} to believe (default 0). @param hops 0 or more @return these options */
        public Options prefix(int hops) {
            prefixIn = count("prefix", hops);
            return this;
        }

        /**
         * Which headers to read (default {@link Headers#FORWARDED_FIRST}); {@code X-Forwarded-Prefix}
         * is read in every case, as configured by {@link #prefix}.
         *
         * @param which the headers
         * @return these options
         */
        public Options headers(Headers which) {
            headers = Objects.requireNonNull(which, "headers");
            return this;
        }

        /** Wraps an application with these options (a snapshot: later changes don't affect it). */
        @Override
        public Application wrap(Application app) {
            Options copy = new Options(trusted);
            copy.forIn = forIn;
            copy.protoIn = protoIn;
            copy.hostIn = hostIn;
            copy.portIn = portIn;
            copy.prefixIn = prefixIn;
            copy.headers = headers;
            return new ProxyFix(app, copy);
        }

        boolean trusts(String peer) {
            byte[] address = TrustedNetwork.literal(peer);
            if (address == null) {
                return false;
            }
            for (TrustedNetwork n : trusted) {
                if (n.contains(address)) {
                    return true;
                }
            }
            return false;
        }

        private static int count(String name, int hops) {
            if (hops < 0) {
                throw new IllegalArgumentException("ProxyFix " + name + " hops must be >= 0 (0 ignores the header), got " + hops);
            }
            return hops;
        }
    }
}
