package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * Compresses response bodies with gzip when the client accepts it, without buffering them.
 *
 * <pre>{@code
 * Application app = Pipeline.of(new ChatApp()).with(Gzip::new);
 * // or with a larger threshold and the fastest level:
 * Application fast = Pipeline.of(new ChatApp()).with(a -> new Gzip(a, 1024, Deflater.BEST_SPEED));
 * }</pre>
 *
 * <p>A response is compressed when all of these hold: the request's {@code Accept-Encoding}
 * accepts {@code gzip} (q &gt; 0, or {@code *} with gzip not refused); the status is not 1xx, 204,
 * 206 or 304; the response has no {@code Content-Encoding} and no {@code Cache-Control:
 * no-transform}; its {@code Content-Type} is compressible (text types but
 * {@code text/event-stream}, JSON, JavaScript, XML, SVG, WebAssembly); and its
 * {@code Content-Length}, when declared, is at least the minimum size (512 bytes by default).
 * Then {@code Content-Length} is removed, {@code Content-Encoding: gzip} added and a strong
 * {@code ETag} made weak. Whenever the outcome depended on {@code Accept-Encoding},
 * {@code Vary: Accept-Encoding} is added.
 *
 * <p>Streaming stays streaming: each non-empty chunk of the application becomes one compressed
 * block ending with a deflate sync flush, sent at once; empty chunks pass through as empty chunks,
 * so {@code async.sleep}/{@code async.wake} work through this middleware. One chunk is added at
 * the end: the gzip trailer (not for {@code HEAD}, whose body is empty). {@code close()} reaches
 * the application's body exactly once.
 */
public final class Gzip implements Application {

    /** The default minimum declared {@code Content-Length} worth compressing, in bytes. */
    public static final int DEFAULT_MINIMUM_SIZE = 512;

    private final Application app;
    private final int minimumSize;
    private final int level;

    /**
     * Compresses with the default level and minimum size.
     *
     * @param app the application whose responses are compressed
     */
    public Gzip(Application app) {
        this(app, DEFAULT_MINIMUM_SIZE, Deflater.DEFAULT_COMPRESSION);
    }

    /**
     * Compresses with a chosen level and minimum size.
     *
     * @param app the application whose responses are compressed
     * @param minimumSize responses declaring a smaller {@code Content-Length} are left alone
     * @param level the {@link Deflater} level, 1 (fastest) to 9 (smallest), or -1 for the default
     */
    public Gzip(Application app, int minimumSize, int level) {
        if (minimumSize < 0) {
            throw new IllegalArgumentException("Gzip minimumSize must be >= 0 bytes, got " + minimumSize);
        }
        if (level < -1 || level > 9) {
            throw new IllegalArgumentException("Gzip level must be -1 (default) or 1..9 (0 stores without"
                    + " compressing), got " + level);
        }
        this.app = app;
        this.minimumSize = minimumSize;
        this.level = level;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Object acceptEncoding = environ.get("HTTP_ACCEPT_ENCODING");
        Exchange exchange = new Exchange(startResponse, acceptsGzip(acceptEncoding instanceof String s ? s : null));
        Iterable<byte[]> body = app.call(environ, exchange::start);
        return new Body(body, exchange, "HEAD".equals(environ.get(Environ.REQUEST_METHOD)));
    }

    /** The decision for one response: whether to compress, and the headers to send. */
    record Plan(boolean compress, List<Header> headers) {
    }

    /**
     * Decides about one response; a pure function of the request's acceptance and the response head.
     *
     * @param clientAccepts whether {@code Accept-Encoding} accepts gzip
     * @param status the application's status
     * @param headers the application's headers
     * @param minimumSize the smallest declared length worth compressing
     * @return the plan: compress or not, and the headers to pass on
     */
    static Plan plan(boolean clientAccepts, String status, List<Header> headers, int minimumSize) {
        int code = HeaderList.code(status);
        String encoding = HeaderList.get(headers, "Content-Encoding");
        String type = HeaderList.get(headers, "Content-Type");
        if (code < 200 || code == 204 || code == 206 || code == 304
                || (encoding != null && !encoding.trim().equalsIgnoreCase("identity"))
                || HeaderList.listsToken(HeaderList.get(headers, "Cache-Control"), "no-transform")
                || type == null || !compressible(mediaType(type))
                || declaredBelow(HeaderList.get(headers, "Content-Length"), minimumSize)) {
            return new Plan(false, headers);
        }
        List<Header> varied = addVary(headers);
        if (!clientAccepts) {
            return new Plan(false, varied);
        }
        List<Header> out = HeaderList.with(HeaderList.without(varied, "Content-Length"), "Content-Encoding", "gzip");
        String etag = HeaderList.get(out, "ETag");
        if (etag != null && etag.startsWith("\"")) {
            out = HeaderList.with(out, "ETag", "W/" + etag);
        }
        return new Plan(true, List.copyOf(out));
    }

    /**
     * Whether an {@code Accept-Encoding} value accepts gzip (RFC 9110 section 12.5.3).
     *
     * @param acceptEncoding the header value, or {@code null} if absent
     * @return {@code true} if {@code gzip} (or {@code x-gzip}) has q &gt; 0, or {@code *} has q &gt; 0 and gzip is not listed
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean gzip = null;
        boolean any = false;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(Locale.ROOT);
            boolean accepted = quality(fields) > 0;
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                gzip = (gzip == null || gzip) && accepted;
            } else if (coding.equals("*")) {
                any = accepted;
            }
        }
        return gzip != null ? gzip : any;
    }

    private static double quality(String[] fields) {
        for (int i = 1; i < fields.length; i++) {
            String p = fields[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }

    private static boolean compressible(String mediaType) {
        if (mediaType.startsWith("text/")) {
            // Event streams are kept as sent: several proxies and clients mishandle compressed ones.
            return !mediaType.equals("text/event-stream");
        }
        return mediaType.endsWith("+json") || mediaType.endsWith("+xml")
                || switch (mediaType) {
                    case "application/json", "application/javascript", "application/x-javascript",
                            "application/xml", "application/wasm", "image/svg+xml" -> true;
                    default -> false;
                };
    }

    private static String mediaType(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean declaredBelow(String contentLength, int minimumSize) {
        if (contentLength == null) {
            return false;
        }
        try {
            return Long.parseLong(contentLength.trim()) < minimumSize;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static List<Header> addVary(List<Header> headers) {
        String vary = HeaderList.get(headers, "Vary");
        if (vary == null) {
            return HeaderList.with(headers, "Vary", "Accept-Encoding");
        }
        if (HeaderList.listsToken(vary, "accept-encoding") || HeaderList.listsToken(vary, "*")) {
            return headers;
        }
        return HeaderList.with(headers, "Vary", vary + ", Accept-Encoding");
    }

    /** The start_response seen by the application: plans the response and compresses {@code write}. */
    private final class Exchange {
        private final StartResponse outer;
        private final boolean clientAccepts;
        private GzipEncoder encoder;

        Exchange(StartResponse outer, boolean clientAccepts) {
            this.outer = outer;
            this.clientAccepts = clientAccepts;
        }

        Write start(String status, List<Header> headers, Throwable excInfo) {
            Plan plan = headers == null ? new Plan(false, null) : plan(clientAccepts, status, headers, minimumSize);
            Write write = outer.start(status, plan.headers(), excInfo);
            // Reached only while nothing went out yet (else start rethrew excInfo): a fresh stream.
            if (encoder != null) {
                encoder.end();
            }
            encoder = plan.compress() ? new GzipEncoder(level) : null;
            return data -> write.write(data != null && data.length > 0 && encoder != null ? encoder.encode(data) : data);
        }
    }

    @SuppressWarnings("try") // close() passes on whatever the wrapped close() throws
    private static final class Body extends FilteredBody {
        private final Exchange exchange;
        private final boolean head;

        Body(Iterable<byte[]> inner, Exchange exchange, boolean head) {
            super(inner);
            this.exchange = exchange;
            this.head = head;
        }

        @Override
        byte[] map(byte[] chunk) {
            GzipEncoder encoder = exchange.encoder;
            return chunk.length == 0 || encoder == null ? chunk : encoder.encode(chunk);
        }

        @Override
        byte[] last() {
            GzipEncoder encoder = exchange.encoder;
            // A HEAD response has no body, not even an empty gzip stream.
            return encoder == null || head ? null : encoder.finish();
        }

        @Override
        void closed() {
            if (exchange.encoder != null) {
                exchange.encoder.end();
            }
        }
    }
}
