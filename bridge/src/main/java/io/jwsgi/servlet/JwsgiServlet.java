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
import java.nio.file.Path;
import java.time.Duration;
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
 *   <li>{@code turns}: {@code container} (default) or {@code pool}: where a request's first turn
 *       (the call and the chunks the client takes at once) runs. {@code container}: inside
 *       {@code service} on the container's thread, as a plain servlet runs, with no hand-off,
 *       unless the application reads a request body from the connection ({@code input=stream})
 *       or uses the legacy {@code write} callable; later turns (after a wake, after the output was
 *       not ready, after a long stream let others have a thread) run on the bridge's threads.
 *       {@code pool}: every turn on the bridge's threads; the application never holds a
 *       container thread (SPEC.md, section 7).</li>
 *   <li>{@code non-blocking}: {@code false} (default) or {@code true}, a promise that the
 *       application never blocks ({@code call}, {@code hasNext}, {@code next} and {@code close}
 *       return promptly: no waiting on I/O, locks or sleeps; {@code async.sleep} is the way to
 *       wait). Turns asked for by the container's {@code onWritePossible} then run on that
 *       container thread even with {@code turns=pool}, and the chunks of one turn are written
 *       back to back and flushed once, where the turn ends (before a sleep, a hand-off or the
 *       response's end) or before the response's buffer would overflow. What would block is
 *       refused: the legacy {@code write} callable throws {@link IllegalStateException} (return
 *       the bytes in the iterable), and {@code input} defaults to {@code buffer},
 *       {@code input=stream} being an error.</li>
 * </ul>
 *
 * <p>Every request is served asynchronously: the servlet starts async, builds the environ and
 * hands the exchange to a {@link Pump}, which writes each chunk only when the container says the
 * client can take it. No thread is held while a response sleeps or a client is slow.
 *
 * <p>{@code init} checks every init-param and constructs the application; a servlet that cannot
 * serve says why once, at {@code SEVERE}, and answers every request with {@code 500}, naming the
 * problems to local clients only (SPEC.md, section 5). Whether the servlet is async-supported
 * cannot be read through the Servlet API, so that is checked at each request, and said once.
 *
 * <p>On Tomcat, {@code init} logs a notice (INFO), once per JVM, naming each connector that reuses
 * its request processors ({@code processorCache} other than {@code 0}; Tomcat's default is 200),
 * found through Tomcat's MBeans: Tomcat then loses an occasional request when flushes from threads
 * not its own and clients leaving mid-stream coincide (docs/tomcat.md).
 */
public class JwsgiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** How long {@link #destroy()} waits at most for the container to complete ended exchanges. */
    private static final long CONTAINER_END_WAIT_MILLIS = 3000;
    /** How long the container may take to call back (onComplete, WriteListener.onError, a dispatch) before a SEVERE line. */
    private static final long CONTAINER_CALLBACK_DEADLINE_MILLIS = 30_000;
    private static final Logger LOG = Logger.getLogger(JwsgiServlet.class.getName());

    private transient Application application;
    /** The application as the pumps call it: {@link #application}, or with non-blocking=true its {@link NonBlocking} view. */
    private transient Application served;
    private boolean nonBlocking;
    private boolean turnsOnPool;
    private transient Engine engine;
    private long shutdownGraceMillis = 5000;
    private long maxBodySize;
    private int bufferMemory = 65536;
    private boolean bufferInput;
    private transient Path bufferDir;
    private transient OpenExchanges exchanges = new OpenExchanges(null);
    /** Set at {@code init} when the servlet cannot serve: every request is refused with it. */
    private transient Misconfiguration misconfigured;
    /** Refuses a request that reached the servlet without async support. */
    private transient Misconfiguration notAsync;
    private transient javax.management.ObjectName metricsName;
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

    /**
     * Reads and checks every init-param, loads and constructs the application and starts the
     * engine. Nothing is thrown: a servlet that cannot serve logs its problems once at
     * {@code SEVERE} and answers each request with {@code 500} (see {@link Misconfiguration}), so
     * that the container neither hides the reason behind its own {@code 503} nor retries
     * {@code init} at every request. Declare {@code <load-on-startup>} to have this run when the
     * application is deployed rather than at its first request.
     */
    @Override
    public void init() throws ServletException {
        notAsync = new Misconfiguration(getServletName(), "each request without async support gets 500");
        notAsync.add("the servlet needs <async-supported>true</async-supported> (or setAsyncSupported(true) on its"
                + " registration), and so does every filter mapped before it; a request reached it without async support");
        Misconfiguration problems = new Misconfiguration(getServletName(),
                "every request gets 500 until it is fixed and the application redeployed");
        InitParams params = InitParams.read(this::getInitParameter, problems);
        exchanges = new OpenExchanges(getServletContext().getClassLoader());
        if (application == null) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            application = InitParams.application(getInitParameter("application"),
                    loader != null ? loader : JwsgiServlet.class.getClassLoader(), problems);
        }
        if (problems.isEmpty()) {
            start(params, problems);
        }
        if (!problems.isEmpty()) {
            misconfigured = problems;
            problems.reportOnce();
            return;
        }
        adviseOnTomcat();
        log("JWSGI serving " + application.getClass().getName() + " (threads " + params.threads.name().toLowerCase(Locale.ROOT)
                + ", async-timeout " + (params.asyncTimeoutMillis == 0 ? "none" : params.asyncTimeoutMillis + " ms")
                + (nonBlocking ? ", non-blocking" : "")
                + (BufferWrites.AVAILABLE ? ", file bodies written as buffers (Servlet 6.1)" : "") + ")");
        metricsName = JwsgiMetrics.register(this, application, engine.metrics());
    }

    private void start(InitParams params, Misconfiguration problems) {
        shutdownGraceMillis = params.shutdownGraceMillis;
        maxBodySize = params.maxBodySize;
        bufferMemory = params.bufferMemory;
        bufferDir = params.bufferDir;
        nonBlocking = params.nonBlocking;
        turnsOnPool = params.turnsOnPool;
        bufferInput = params.bufferInput;
        try {
            engine = Engine.builder().name("jwsgi-" + getServletName()).threads(params.threads).poolSize(params.poolSize)
                    .nonBlocking(nonBlocking).idleTimeoutMillis(params.asyncTimeoutMillis).build();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage(), e);
            return;
        }
        served = nonBlocking ? new NonBlocking(application) : application;
    }

    /** Names, once per JVM, each Tomcat connector that reuses its request processors. */
    private void adviseOnTomcat() {
        String advice = TomcatConnectors.adviceOnce(TomcatConnectors.reusingProcessors(
                getServletContext().getServerInfo(), ManagementFactory.getPlatformMBeanServer()));
        if (advice != null) {
            LOG.log(Level.INFO, advice);
        }
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
        if (misconfigured != null || !request.isAsyncSupported()) {
            (misconfigured != null ? misconfigured : notAsync).refuse(request, response);
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
        // A body read from the connection (input=stream) may keep the application waiting for the
        // client: that request, and every request of an application that uses the legacy write, starts on the engine's threads.
        boolean onEngine = turnsOnPool || engine.legacyWriteSeen() || bufferedLength < 0 && hasBody(request, request.getContentLengthLong());
        if (onEngine && !nonBlocking) {
            // Tomcat expects the WriteListener to be registered on a container thread (this one, or a ReadListener's).
            response.getOutputStream().setWriteListener(channel);
        } else {
            channel.firstTurn(engine);
        }
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
        exchanges.draining();
        JwsgiMetrics.unregister(metricsName);
        if (engine != null) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownGraceMillis);
            engine.shutdown(Duration.ofMillis(shutdownGraceMillis));
            // The engine ended every response; the container finishes them on its own threads (Tomcat
            // times out those left to it within a second of the context stopping, its async timeout sweep).
            long left = Math.min(Math.max(deadline - System.nanoTime(), 0), TimeUnit.MILLISECONDS.toNanos(CONTAINER_END_WAIT_MILLIS));
            int open = exchanges.awaitNone(left, TimeUnit.NANOSECONDS);
            if (open > 0) {
                log("JWSGI " + getServletName() + ": the container had not finished " + open
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

    /** Carries an abort through the ASYNC dispatch; the container logs it and cuts the connection. */
    static final class AbortedResponse extends ServletException {
        private static final long serialVersionUID = 1L;

        AbortedResponse(Throwable cause) {
            super("JWSGI response aborted after its headers went out: " + cause, cause);
        }
    }
}
