package io.jwsgi.servlet;

import io.jwsgi.Application;
import io.jwsgi.server.Engine;
import io.jwsgi.server.Pump;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

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
 * </ul>
 *
 * <p>Every request is served asynchronously: the servlet starts async, builds the environ and
 * hands the exchange to a {@link Pump}, which runs the application on the bridge's threads and
 * writes each chunk only when the container says the client can take it. No container thread
 * waits on the application, and none is held while a response sleeps or a client is slow.
 */
public class JwsgiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private transient Application application;
    private transient Engine engine;
    private long shutdownGraceMillis = 5000;

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
        String threads = getInitParameter("threads");
        Engine.Threads mode;
        if (threads == null || threads.isBlank() || threads.trim().equalsIgnoreCase("platform")) {
            mode = Engine.Threads.PLATFORM;
        } else if (threads.trim().equalsIgnoreCase("virtual")) {
            mode = Engine.Threads.VIRTUAL;
        } else {
            throw new ServletException("init-param threads must be \"platform\" or \"virtual\", got \"" + threads + "\"");
        }
        try {
            engine = Engine.builder().name("jwsgi-" + getServletName()).threads(mode).poolSize(poolSize)
                    .idleTimeoutMillis(timeout).build();
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
        log("JWSGI serving " + application.getClass().getName() + " (threads " + mode.name().toLowerCase(Locale.ROOT)
                + ", async-timeout " + (timeout == 0 ? "none" : timeout + " ms") + ")");
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            Object cause = request.getAttribute(ServletChannel.ABORT);
            if (cause != null) {
                // Thrown on purpose: a committed response is cut, so the client sees it incomplete.
                throw new AbortedResponse((Throwable) cause);
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
        ServletChannel channel = new ServletChannel(async, request, response);
        Map<String, Object> environ = ServletEnviron.of(request, getServletContext());
        String query = request.getQueryString();
        Pump pump = engine.open(application, environ, channel,
                request.getMethod() + " " + request.getRequestURI() + (query == null ? "" : "?" + query));
        channel.bind(pump);
        async.addListener(channel);
        // Tomcat expects the WriteListener to be registered on the thread that started async.
        response.getOutputStream().setWriteListener(channel);
    }

    @Override
    public void destroy() {
        if (engine != null) {
            engine.shutdown(Duration.ofMillis(shutdownGraceMillis));
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
