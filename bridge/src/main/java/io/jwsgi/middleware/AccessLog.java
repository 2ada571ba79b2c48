package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one line per request in the Common or Combined Log Format, when the response really ends.
 *
 * <pre>{@code
 * Application app = Pipeline.of(new ChatApp()).with(AccessLog::new);  // combined, to java.util.logging
 * Application toErrors = Pipeline.of(new ChatApp())
 *         .with(a -> new AccessLog(a, AccessLog.Format.COMMON, AccessLog.Sink.WSGI_ERRORS));
 * }</pre>
 *
 * <p>A line is Apache's {@code common} ({@code %h %l %u %t "%r" %>s %b}) or {@code combined}
 * format (common plus {@code "%{Referer}i" "%{User-Agent}i"}), followed by one more field: the
 * duration in milliseconds, from {@code call} to {@code close()} (Apache's {@code %{ms}T}):
 *
 * <pre>
 * 203.0.113.9 - - [10/Oct/2026:13:55:36 +0000] "GET /chat/poll?since=4 HTTP/1.1" 200 1234 "-" "curl/8.5.0" 30012
 * </pre>
 *
 * <p>It is written at the body's {@code close()}, which the server calls once when the response
 * ends for any reason: after the last chunk, on an error, on a timeout, or when the client went
 * away; a long poll is therefore logged when it ends, with its whole duration. The status is the
 * application's last one; an application error before any body byte logs {@code 500} (what the
 * server then sends); an error from {@code call} is logged at once. The byte count is the body
 * bytes the application handed over (chunks and {@code write}), {@code -} for none. Quoted
 * fields are escaped byte by byte (UTF-8) as Apache's {@code ap_escape_logitem} does, so a request
 * cannot forge log lines: {@code "} and {@code \} get a backslash; backspace, newline, carriage
 * return, tab and vertical tab become {@code \b}, {@code \n}, {@code \r}, {@code \t},
 * {@code \v}; every other control byte, {@code DEL} and every non-ASCII byte become
 * {@code \xhh} (two lower-case hex digits).
 *
 * <p>Chunks pass through one for one, empty ones included, so {@code async.sleep}/{@code async.wake}
 * work through this middleware, and {@code close()} reaches the application's body exactly once.
 */
public final class AccessLog implements Application {

    /** The line layout. */
    public enum Format {
        /** {@code %h %l %u %t "%r" %>s %b} and the duration. */
        COMMON,
        /** Common, then {@code "%{Referer}i" "%{User-Agent}i"}, then the duration. */
        COMBINED
    }

    /** Where lines go. Called on the thread that ends the response; must not block for long. */
    @FunctionalInterface
    public interface Sink {
        /** Writes to the environ's {@code wsgi.errors} (the container's log under the servlet bridge). */
        Sink WSGI_ERRORS = (line, environ) -> {
            if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
                errors.println(line);
                errors.flush();
            }
        };

        /**
         * Writes to a {@code java.util.logging} logger at {@code INFO}.
         *
         * @param logger the logger
         * @return the sink
         */
        static Sink logger(Logger logger) {
            return (line, environ) -> logger.log(Level.INFO, line);
        }

        /**
         * Writes one line.
         *
         * @param line the formatted line, without a line break
         * @param environ the request's environ, as this middleware received it
         */
        void write(String line, Map<String, Object> environ);
    }

    /** The logger of the default sink: {@code io.jwsgi.access}. */
    public static final String LOGGER = "io.jwsgi.access";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Application app;
    private final Format format;
    private final Sink sink;
    private final Clock clock;

    /**
     * Logs in the combined format to the {@code java.util.logging} logger {@value #LOGGER}.
     *
     * @param app the application whose requests are logged
     */
    public AccessLog(Application app) {
        this(app, Format.COMBINED, Sink.logger(Logger.getLogger(LOGGER)));
    }

    /**
     * Logs in a chosen format to a chosen sink.
     *
     * @param app the application whose requests are logged
     * @param format common or combined
     * @param sink where lines go
     */
    public AccessLog(Application app, Format format, Sink sink) {
        this(app, format, sink, Clock.systemDefaultZone());
    }

    AccessLog(Application app, Format format, Sink sink, Clock clock) {
        this.app = Objects.requireNonNull(app, "app");
        this.format = Objects.requireNonNull(format, "format");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Entry entry = new Entry(environ, startResponse, ZonedDateTime.now(clock), System.nanoTime());
        Iterable<byte[]> body;
        try {
            body = app.call(environ, entry::start);
        } catch (Throwable t) {
            entry.failed();
            entry.end();
            throw t;
        }
        return new Body(body, entry);
    }

    /** What is known of one request: its start, its status and its bytes. */
    private final class Entry {
        private final Map<String, Object> environ;
        private final StartResponse outer;
        private final ZonedDateTime started;
        private final long startNanos;
        private final AtomicLong bytes = new AtomicLong();
        private volatile String status;

        Entry(Map<String, Object> environ, StartResponse outer, ZonedDateTime started, long startNanos) {
            this.environ = environ;
            this.outer = outer;
            this.started = started;
            this.startNanos = startNanos;
        }

        Write start(String newStatus, List<Header> headers, Throwable excInfo) {
            Write write = outer.start(newStatus, headers, excInfo);
            status = newStatus;
            return data -> {
                write.write(data);
                count(data);
            };
        }

        void count(byte[] chunk) {
            if (chunk != null) {
                bytes.addAndGet(chunk.length);
            }
        }

        void failed() {
            if (bytes.get() == 0) {
                status = "500";
            }
        }

        void end() {
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            try {
                sink.write(line(environ, started, status, bytes.get(), millis, format), environ);
            } catch (RuntimeException e) {
                Logger.getLogger(LOGGER).log(Level.WARNING, "the access log sink failed", e);
            }
        }
    }

    /**
     * Formats one line.
     *
     * @param environ the request's environ
     * @param started when the request started
     * @param status the status sent ({@code "NNN Reason"} or {@code "NNN"}), or {@code null} if none
     * @param bytes the body bytes, 0 for none
     * @param millis the duration
     * @param format common or combined
     * @return the line
     */
    static String line(Map<String, Object> environ, ZonedDateTime started, String status, long bytes, long millis,
            Format format) {
        String query = string(environ, Environ.QUERY_STRING);
        String target = string(environ, Environ.SCRIPT_NAME) + string(environ, Environ.PATH_INFO)
                + (query.isEmpty() ? "" : "?" + query);
        StringBuilder b = new StringBuilder(160)
                .append(orDash(string(environ, Environ.REMOTE_ADDR))).append(" - ")
                .append(orDash(escape(string(environ, "REMOTE_USER")).replace(' ', '_')))
                .append(" [").append(TIME.format(started)).append("] \"")
                .append(escape(string(environ, Environ.REQUEST_METHOD) + " " + target + " "
                        + string(environ, Environ.SERVER_PROTOCOL)))
                .append("\" ").append(status == null || status.length() < 3 ? "-" : status.substring(0, 3))
                .append(' ').append(bytes == 0 ? "-" : Long.toString(bytes));
        if (format == Format.COMBINED) {
            b.append(" \"").append(orDash(escape(string(environ, "HTTP_REFERER"))))
                    .append("\" \"").append(orDash(escape(string(environ, "HTTP_USER_AGENT")))).append('"');
        }
        return b.append(' ').append(millis).toString();
    }

    /**
     * Escapes a field as Apache's {@code ap_escape_logitem} does, byte by byte in UTF-8:
     * {@code "} and {@code \} with a backslash; {@code \b \n \r \t \v} by their C escapes; other
     * control bytes, {@code DEL} and non-ASCII bytes as {@code \xhh}.
     *
     * @param s the raw value
     * @return a value that cannot end its quotes or break its line
     */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            int named = "\b\n\r\t\013".indexOf(c);
            if (c == '"' || c == '\\') {
                b.append('\\').append((char) c);
            } else if (named >= 0) {
                b.append('\\').append("bnrtv".charAt(named));
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static String string(Map<String, Object> environ, String key) {
        return environ.get(key) instanceof String s ? s : "";
    }

    private static String orDash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    @SuppressWarnings("try") // close() passes on whatever the wrapped close() throws
    private static final class Body extends FilteredBody {
        private final Entry entry;

        Body(Iterable<byte[]> inner, Entry entry) {
            super(inner);
            this.entry = entry;
        }

        @Override
        byte[] map(byte[] chunk) {
            entry.count(chunk);
            return chunk;
        }

        @Override
        void failed(Throwable t) {
            entry.failed();
        }

        @Override
        void afterClose() {
            entry.end();
        }
    }
}
