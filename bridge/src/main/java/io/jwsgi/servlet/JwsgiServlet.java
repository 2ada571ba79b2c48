package io.jwsgi.servlet;

import io.jwsgi.Application;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves a JWSGI {@link Application} on a Servlet 6 container, through Servlet async I/O.
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>app</servlet-name>
 *   <servlet-class>io.jwsgi.servlet.JwsgiServlet</servlet-class>
 *   <init-param><param-name>application</param-name><param-value>com.example.HelloApp</param-value></init-param>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping><servlet-name>app</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
 * }</pre>
 *
 * <h2>Init-params</h2>
 * <ul>
 *   <li>{@code application} (required unless given to the constructor): a class implementing
 *       {@link Application} with a public no-argument constructor.</li>
 *   <li>{@code async-timeout}: milliseconds a response may go without progress before it is
 *       ended and its iterable closed; {@code 0} (the default) means never.</li>
 *   <li>{@code threads}: {@code platform} (default) or {@code virtual} (Java 21+; platform threads
 *       with a log line on older JVMs): what runs {@code call}, {@code hasNext} and {@code next}.</li>
 *   <li>{@code pool-size}: the most platform threads running applications at once; default 200.</li>
 *   <li>{@code shutdown-grace}: milliseconds {@link #destroy()} waits for ended responses; default 5000.</li>
 *   <li>{@code input}: {@code stream} (default, PEP 3333's way: the application reads the body from
 *       the connection, blocking its thread while the client sends) or {@code buffer} (the bridge
 *       reads the whole body without holding a thread, before the application runs; a body that
 *       breaks off or stalls is answered {@code 400} or {@code 408} and never reaches it).</li>
 *   <li>{@code max-body-size}: bytes; a larger body gets {@code 413} ({@code 0}, the default, means
 *       no limit). Checked against {@code Content-Length} before anything is read; in buffer mode
 *       also while reading; in stream mode a read passing the limit fails.</li>
 *   <li>{@code buffer-memory}: bytes of a buffered body kept in memory before the rest goes to a
 *       temporary file; default 65536.</li>
 *   <li>{@code buffer-dir}: the directory of those temporary files, created at {@code init} if
 *       missing; default the context's temporary directory ({@code ServletContext.TEMPDIR}).</li>
 *   <li>{@code non-blocking}: {@code false} (default) or {@code true}, a promise that the
 *       application never blocks ({@code call}, {@code hasNext}, {@code next} and {@code close}
 *       return promptly: no waiting on I/O, locks or sleeps; {@code async.sleep} is the way to
 *       wait). A turn asked for by the container's {@code onWritePossible} (the first one, which
 *       starts the application, and every later one) then runs right on that container thread,
 *       saving a hand-off to the bridge's threads; turns asked for elsewhere ({@code async.wake},
 *       a long stream letting other responses have the thread, an ending) still run on the
 *       bridge's threads. What would block is refused: the legacy {@code write} callable throws
 *       {@link IllegalStateException} (return the bytes in the iterable), and {@code input}
 *       defaults to {@code buffer}, {@code input=stream} being an error.</li>
 * </ul>
 *
 * <p>Every request is served asynchronously: the servlet starts async, builds the environ and
 * hands the exchange to a {@link Pump}, which runs the application on the bridge's threads and
 * writes each chunk only when the container says the client can take it. No container thread
 * waits on the application (with {@code non-blocking=true}, container threads run it, briefly), and
 * none is held while a response sleeps or a client is slow.
 *
 * <p>On Tomcat, {@code init} logs a notice (INFO) naming each connector that reuses its request
 * processors ({@code processorCache} other than {@code 0}; Tomcat's default is 200), found through
 * Tomcat's MBeans: Tomcat then loses an occasional request when writes from threads not its own and
 * clients leaving mid-stream coincide (RELIABILITY.md, section 7).
 */
public class JwsgiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** How long {@link #destroy()} waits at most for the container to complete ended exchanges. */
    private static final long CONTAINER_END_WAIT_MILLIS = 1000;
    /** How long the container may take to call back (onComplete, WriteListener.onError, a dispatch) before a SEVERE line. */
    private static final long CONTAINER_CALLBACK_DEADLINE_MILLIS = 30_000;
    private static final Logger LOG = Logger.getLogger(JwsgiServlet.class.getName());

    private transient Application application;
    /** The application as the pumps call it: {@link #application}, or with non-blocking=true its {@link NonBlocking} view. */
    private transient Application served;
    private boolean nonBlocking;
    private transient Engine engine;
    private long shutdownGraceMillis = 5000;
    private long maxBodySize;
    private int bufferMemory = 65536;
    private boolean bufferInput;
    private transient Path bufferDir;
    private final transient OpenExchanges exchanges = new OpenExchanges();
    /** Set when {@link #destroy()} begins: the responses it ends are not cut through a dispatch. */
    private volatile boolean destroying;

    /** For {@code web.xml}: the application is named by the {@code application} init-param. */
    public JwsgiServlet() {
    }

    /**
     * For programmatic registration ({@code ServletContext.addServlet}): serves this application.
     *
     * @param application the application to serve
     */
    public JwsgiServlet(Application application) {
        this.application = application;
    }

    @Override
    public void init() throws ServletException {
        if (application == null) {
            application = instantiate(getInitParameter("application"));
        }
        long timeout = number("async-timeout", 0);
        int poolSize = (int) number("pool-size", 200);
        shutdownGraceMillis = number("shutdown-grace", 5000);
        maxBodySize = number("max-body-size", 0);
        bufferMemory = (int) Math.min(Integer.MAX_VALUE - 8, number("buffer-memory", 65536));
        bufferDir = directory("buffer-dir");
        nonBlocking = "true".equals(choice("non-blocking", "true", "false"));
        String input = choice("input", "stream", "buffer");
        if (nonBlocking && "stream".equals(input)) {
            throw new ServletException("init-param input=stream cannot be combined with non-blocking=true: reading"
                    + " wsgi.input from the connection waits for the client, which would hold a container thread;"
                    + " use input=buffer, which non-blocking=true implies when input is not set");
        }
        bufferInput = "buffer".equals(input) || input == null && nonBlocking;
        Engine.Threads mode = "virtual".equals(choice("threads", "platform", "virtual"))
                ? Engine.Threads.VIRTUAL : Engine.Threads.PLATFORM;
        try {
            engine = Engine.builder().name("jwsgi-" + getServletName()).threads(mode).poolSize(poolSize)
                    .idleTimeoutMillis(timeout).build();
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
        served = nonBlocking ? new NonBlocking(application) : application;
        List<String> reusing = TomcatConnectors.reusingProcessors(getServletContext().getServerInfo(),
                ManagementFactory.getPlatformMBeanServer());
        if (!reusing.isEmpty()) {
            LOG.log(Level.INFO, TomcatConnectors.advice(getServletName(), reusing));
        }
        log("JWSGI serving " + application.getClass().getName() + " (threads " + mode.name().toLowerCase(Locale.ROOT)
                + ", async-timeout " + (timeout == 0 ? "none" : timeout + " ms")
                + (nonBlocking ? ", non-blocking" : "") + ")");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            if (request.getAttribute(ServletChannel.ABORT) instanceof ServletChannel aborted) {
                request.removeAttribute(ServletChannel.ABORT);
                // Thrown on purpose: a committed response is cut, so the client sees it incomplete.
                // The bridge logged the cause once already; the container is given a quiet exception.
                QuietAbort.raise(request, aborted.abortDispatched());
            }
            return;
        }
        if (!request.isAsyncSupported()) {
            log("JwsgiServlet " + getServletName() + " needs <async-supported>true</async-supported> on the servlet"
                    + " and on every filter before it; got a request that does not support async");
            response.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            return;
        }
        AsyncContext async = request.startAsync();
        // Both containers default to a 30 s total async timeout; the engine's idle timer replaces it.
        async.setTimeout(0);
        long declared = request.getContentLengthLong();
        if (maxBodySize > 0 && declared > maxBodySize) {
            refuseTooLarge(async, response, declared + " bytes declared");
            return;
        }
        ServletChannel channel = new ServletChannel(async, request, response);
        channel.countCompletionIn(exchanges);
        if (bufferInput && hasBody(request, declared)) {
            readBodyFirst(request, response, async, channel);
            return;
        }
        InputStream input = channel.guard(new DeferredInput(request));
        serve(request, response, async, channel, maxBodySize > 0 ? new LimitedInput(input, maxBodySize) : input, -1);
    }

    /** Whether the request may carry a body: HTTP/1.x frames one by its headers, HTTP/2 may send one without. */
    private static boolean hasBody(HttpServletRequest request, long declared) {
        return declared > 0 || request.getHeader("Transfer-Encoding") != null
                || (declared < 0 && !request.getProtocol().startsWith("HTTP/1."));
    }

    /** Buffer mode: reads the whole body without holding a thread, then serves the request. */
    private void readBodyFirst(HttpServletRequest request, HttpServletResponse response, AsyncContext async,
            ServletChannel channel) throws IOException {
        BodyBuffer body = new BodyBuffer(bufferMemory, tempDirectory());
        ServletInputStream in = request.getInputStream();
        BodyReader reader = new BodyReader(in, body, maxBodySize, new BodyReader.Outcome() {
            @Override
            public void ready(BodyBuffer buffered) {
                channel.releaseAtEnd(buffered);
                try {
                    serve(request, response, async, channel, buffered.open(), buffered.size());
                } catch (IOException | RuntimeException e) {
                    log("JWSGI could not start " + request.getRequestURI() + " after buffering its body", e);
                    channel.complete();
                }
            }

            @Override
            public void tooLarge(long seen) {
                body.close();
                refuseTooLarge(async, response, "more than " + maxBodySize + " bytes sent");
            }

            @Override
            public void failed(Throwable cause) {
                body.close();
                // A client that is gone never sees it; one whose body broke off or stalled does.
                if (cause instanceof TimeoutException || cause instanceof SocketTimeoutException) {
                    refuse(async, response, 408, "408 Request Timeout: the request body stalled\n");
                } else {
                    refuse(async, response, 400, "400 Bad Request: the request body broke off\n");
                }
            }
        });
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            // Tomcat with continueResponseTiming="onRead" sends 100 Continue only from a read, never for a ReadListener.
            async.start(reader::readFirstThenListen);
        } else {
            in.setReadListener(reader);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, AsyncContext async,
            ServletChannel channel, InputStream input, long bufferedLength) throws IOException {
        Map<String, Object> environ = ServletEnviron.of(request, getServletContext(), input, bufferedLength);
        String query = request.getQueryString();
        Pump pump = engine.open(served, environ, channel,
                request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query));
        channel.bind(pump);
        channel.watchContainerWith(engine, CONTAINER_CALLBACK_DEADLINE_MILLIS);
        // Tomcat only: at destroy, a dispatch has no context to map to (SEVERE "Error during mapping"),
        // and Tomcat cuts a committed response itself as it stops; Jetty needs the dispatch to cut it.
        if (getServletContext().getServerInfo().startsWith("Apache Tomcat")) {
            channel.destroyingWhen(() -> destroying);
        }
        if (nonBlocking) {
            channel.runTurnsInline(engine);
        }
        async.addListener(channel);
        // Tomcat expects the WriteListener to be registered on a container thread (this one, or a ReadListener's).
        response.getOutputStream().setWriteListener(channel);
    }

    /** 413 before the application runs; the rest of the body is never read. */
    private void refuseTooLarge(AsyncContext async, HttpServletResponse response, String what) {
        log("JWSGI refused a request body: " + what + ", max-body-size is " + maxBodySize + " bytes");
        refuse(async, response, 413, "413 Content Too Large\n");
    }

    /** Answers a request the application never sees, closing the connection (its body is not read to the end). */
    private static void refuse(AsyncContext async, HttpServletResponse response, int status, String text) {
        try {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            response.setHeader("Connection", "close");
            response.setContentType("text/plain; charset=utf-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException | RuntimeException e) {
            // The client is gone or the response was committed: only the ending below matters.
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // The container ended the exchange itself, after a broken upload.
            }
        }
    }

    private Path tempDirectory() {
        if (bufferDir != null) {
            return bufferDir;
        }
        Object dir = getServletContext().getAttribute(jakarta.servlet.ServletContext.TEMPDIR);
        return dir instanceof File f ? f.toPath() : Path.of(System.getProperty("java.io.tmpdir"));
    }

    @Override
    public void destroy() {
        destroying = true;
        if (engine != null) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownGraceMillis);
            engine.shutdown(Duration.ofMillis(shutdownGraceMillis));
            // The engine ended every response; the container finishes them on its own threads.
            long left = Math.min(Math.max(deadline - System.nanoTime(), 0), TimeUnit.MILLISECONDS.toNanos(CONTAINER_END_WAIT_MILLIS));
            int open = exchanges.awaitNone(left, TimeUnit.NANOSECONDS);
            if (open > 0) {
                log("JWSGI " + getServletName() + ": the container had not completed " + open
                        + " ended exchanges when the servlet was destroyed");
            }
        }
        if (application instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log("closing the application " + application.getClass().getName() + " failed", e);
            }
        }
    }

    /** The engine serving this servlet's requests; for monitoring and tests. */
    public Engine engine() {
        return engine;
    }

    private long number(String name, long fallback) throws ServletException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ServletException("init-param " + name + " must be a non-negative whole number, got \"" + value + "\"");
        }
    }

    /**
     * The value of an init-param that must be one of {@code allowed} (compared ignoring case and
     * surrounding blanks), in the spelling given there; {@code null} if the init-param is not set.
     */
    private String choice(String name, String... allowed) throws ServletException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        for (String option : allowed) {
            if (option.equalsIgnoreCase(value.trim())) {
                return option;
            }
        }
        throw new ServletException("init-param " + name + " must be \"" + String.join("\" or \"", allowed)
                + "\", got \"" + value + "\"");
    }

    private Path directory(String name) throws ServletException {
        String value = getInitParameter(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Files.createDirectories(Path.of(value.trim()));
        } catch (IOException | RuntimeException e) {
            throw new ServletException("init-param " + name + " must name a directory that exists or can be created, got \""
                    + value + "\": " + e, e);
        }
    }

    private static Application instantiate(String className) throws ServletException {
        if (className == null || className.isBlank()) {
            throw new ServletException("init-param application is missing: name a class implementing io.jwsgi.Application");
        }
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className.trim(), true, loader != null ? loader : JwsgiServlet.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new ServletException("init-param application names " + className + ", which is not on the classpath", e);
        }
        if (!Application.class.isAssignableFrom(type)) {
            throw new ServletException("init-param application names " + className
                    + ", which does not implement io.jwsgi.Application");
        }
        try {
            return (Application) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new ServletException("application class " + className + " needs a public no-argument constructor", e);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ServletException("constructing application class " + className + " failed: " + cause, cause);
        }
    }

    /** Carries an abort through the ASYNC dispatch; the container logs it and cuts the connection. */
    static final class AbortedResponse extends ServletException {
        private static final long serialVersionUID = 1L;

        AbortedResponse(Throwable cause) {
            super("JWSGI response aborted after its headers went out: " + cause, cause);
        }
    }
}
