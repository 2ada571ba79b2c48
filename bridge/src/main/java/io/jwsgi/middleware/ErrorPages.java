package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns an application error into a {@code 500} page, through PEP 3333's {@code excInfo}.
 *
 * <pre>{@code
 * Application app = Pipeline.of(new ChatApp()).with(ErrorPages::new);            // production
 * Application dev = Pipeline.of(new ChatApp()).with(a -> new ErrorPages(a, true)); // shows traces
 * }</pre>
 *
 * <p>An exception thrown by {@code call}, {@code iterator}, {@code hasNext} or {@code next}
 * before the response's headers went out is logged (to {@code wsgi.errors} when the environ has
 * one, else to this class's {@code java.util.logging} logger), and the response is replaced by an
 * HTML page: {@code start} is called again with the exception as {@code excInfo}. The page never
 * shows the exception unless debug mode is on; then it shows the stack trace, HTML-escaped. Debug
 * mode is for development only: traces disclose code and data.
 *
 * <p>Once a non-empty chunk went out (or {@code write} was called) the headers are gone: the
 * exception is rethrown unchanged and the server cuts the connection. Chunks pass through one for
 * one, empty ones included, so {@code async.sleep}/{@code async.wake} work through this
 * middleware, and {@code close()} reaches the application's body exactly once.
 */
public final class ErrorPages implements Application {

    private static final Logger LOG = Logger.getLogger(ErrorPages.class.getName());
    private static final String STATUS = "500 Internal Server Error";

    private final Application app;
    private final boolean debug;

    /**
     * Shows a plain error page, never the exception.
     *
     * @param app the application whose errors are turned into pages
     */
    public ErrorPages(Application app) {
        this(app, false);
    }

    /**
     * Shows the stack trace on the page if {@code debug} is {@code true}.
     *
     * @param app the application whose errors are turned into pages
     * @param debug whether the page shows the stack trace; never in production
     */
    public ErrorPages(Application app, boolean debug) {
        this.app = app;
        this.debug = debug;
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Guard guard = new Guard(environ, startResponse);
        Iterable<byte[]> body;
        try {
            body = app.call(environ, guard::start);
        } catch (Throwable t) {
            Iterator<byte[]> page = guard.recover(t);
            return () -> page;
        }
        return new Body(body, guard);
    }

    /**
     * Renders the error page.
     *
     * @param error the application's exception
     * @param debug whether to include the stack trace
     * @return a complete HTML document, UTF-8
     */
    static byte[] page(Throwable error, boolean debug) {
        StringBuilder html = new StringBuilder(512)
                .append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(STATUS)
                .append("</title></head>\n<body><h1>Internal Server Error</h1>\n")
                .append("<p>The server could not complete the request.</p>\n");
        if (debug) {
            StringWriter trace = new StringWriter();
            error.printStackTrace(new PrintWriter(trace));
            html.append("<pre>").append(escapeHtml(trace.toString())).append("</pre>\n");
        }
        return html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Escapes text for HTML element content and attribute values.
     *
     * @param text any text
     * @return the text with {@code & < > " '} replaced by character references
     */
    static String escapeHtml(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Watches whether body bytes went out, and replaces the response when an error comes first. */
    private final class Guard {
        private final Map<String, Object> environ;
        private final StartResponse outer;
        private volatile boolean bodyStarted;

        Guard(Map<String, Object> environ, StartResponse outer) {
            this.environ = environ;
            this.outer = outer;
        }

        Write start(String status, List<Header> headers, Throwable excInfo) {
            Write write = outer.start(status, headers, excInfo);
            return data -> {
                if (data != null && data.length > 0) {
                    bodyStarted = true;
                }
                write.write(data);
            };
        }

        void sent(byte[] chunk) {
            if (chunk != null && chunk.length > 0) {
                bodyStarted = true;
            }
        }

        /** Logs the error and switches to the page, or rethrows if the headers went out. */
        Iterator<byte[]> recover(Throwable error) {
            if (bodyStarted || error instanceof VirtualMachineError) {
                throw ErrorPages.<RuntimeException>sneaky(error);
            }
            log(error);
            byte[] page = page(error, debug);
            outer.start(STATUS, List.of(new Header("Content-Type", "text/html; charset=utf-8"),
                    new Header("Content-Length", Integer.toString(page.length)),
                    new Header("Cache-Control", "no-store")), error);
            return List.of(page).iterator();
        }

        private void log(Throwable error) {
            String request = environ.get(Environ.REQUEST_METHOD) + " " + environ.get(Environ.SCRIPT_NAME)
                    + environ.get(Environ.PATH_INFO);
            if (environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter errors) {
                errors.println("application error, answered with " + STATUS + ": " + request);
                error.printStackTrace(errors);
                errors.flush();
            } else {
                LOG.log(Level.SEVERE, "application error, answered with " + STATUS + ": " + request, error);
            }
        }
    }

    @SuppressWarnings("try") // close() passes on whatever the wrapped close() throws
    private static final class Body implements Iterable<byte[]>, AutoCloseable {
        private final Iterable<byte[]> inner;
        private final Guard guard;
        private final AtomicBoolean closed = new AtomicBoolean();

        Body(Iterable<byte[]> inner, Guard guard) {
            this.inner = inner;
            this.guard = guard;
        }

        @Override
        public Iterator<byte[]> iterator() {
            Iterator<byte[]> source;
            boolean failed = false;
            try {
                source = inner.iterator();
            } catch (Throwable t) {
                source = guard.recover(t);
                failed = true;
            }
            Iterator<byte[]> first = source;
            boolean pageAlready = failed;
            return new Iterator<>() {
                private Iterator<byte[]> current = first;
                private boolean replaced = pageAlready;

                @Override
                public boolean hasNext() {
                    try {
                        return current.hasNext();
                    } catch (Throwable t) {
                        replace(t);
                        return current.hasNext();
                    }
                }

                @Override
                public byte[] next() {
                    byte[] chunk;
                    try {
                        chunk = current.next();
                    } catch (Throwable t) {
                        replace(t);
                        chunk = current.next();
                    }
                    guard.sent(chunk);
                    return chunk;
                }

                private void replace(Throwable t) {
                    if (replaced) {
                        throw ErrorPages.<RuntimeException>sneaky(t);
                    }
                    current = guard.recover(t);
                    replaced = true;
                }
            };
        }

        @Override
        public void close() throws Exception {
            if (closed.compareAndSet(false, true) && inner instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
