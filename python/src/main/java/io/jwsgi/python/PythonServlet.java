package io.jwsgi.python;

import io.jwsgi.Application;
import io.jwsgi.StartResponse;
import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.ServletException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Serves a Python WSGI application from a WAR: {@link JwsgiServlet} with a {@link PythonApplication}
 * built from init-params.
 *
 * <pre>{@code
 * <servlet>
 *   <servlet-name>py</servlet-name>
 *   <servlet-class>io.jwsgi.python.PythonServlet</servlet-class>
 *   <init-param><param-name>python-app</param-name><param-value>hello:application</param-value></init-param>
 *   <init-param><param-name>python-path</param-name><param-value>WEB-INF/python</param-value></init-param>
 *   <async-supported>true</async-supported>
 * </servlet>
 * <servlet-mapping><servlet-name>py</servlet-name><url-pattern>/*</url-pattern></servlet-mapping>
 * }</pre>
 *
 * <h2>Init-params</h2>
 * <ul>
 *   <li>{@code python-app} (required): the WSGI callable, {@code module:callable} as gunicorn names
 *       it.</li>
 *   <li>{@code python-path}: comma-separated directories of the WAR put in front of
 *       {@code sys.path}; default {@code WEB-INF/python}. The WAR must be unpacked (Tomcat's
 *       {@code unpackWARs} and Jetty's {@code extractWAR}, both on by default).</li>
 *   <li>Every init-param of {@link JwsgiServlet} ({@code async-timeout}, {@code pool-size}, ...)
 *       except {@code application}; {@code turns} defaults to {@code pool} here (see
 *       {@link #getInitParameter}).</li>
 * </ul>
 */
public class PythonServlet extends JwsgiServlet {

    private static final long serialVersionUID = 1L;

    private final transient Loaded loaded;

    /** For {@code web.xml}: the application is named by the {@code python-app} init-param. */
    public PythonServlet() {
        this(new Loaded());
    }

    private PythonServlet(Loaded loaded) {
        super(loaded);
        this.loaded = loaded;
    }

    @Override
    public void init() throws ServletException {
        String spec = getInitParameter("python-app");
        if (spec == null || spec.isBlank()) {
            throw new ServletException("init-param python-app is missing: name the WSGI callable as module:callable");
        }
        String entries = getInitParameter("python-path");
        List<Path> path = new ArrayList<>();
        for (String entry : (entries == null || entries.isBlank() ? "WEB-INF/python" : entries).split(",")) {
            String name = "/" + entry.trim().replaceFirst("^/+", "");
            String real = getServletContext().getRealPath(name);
            if (real == null || !Files.isDirectory(Path.of(real))) {
                throw new ServletException("init-param python-path names " + name + ", which is not a directory of the"
                        + " unpacked web application (real path " + real + ")");
            }
            path.add(Path.of(real));
        }
        try {
            loaded.app = new PythonApplication(spec.trim(), path);
        } catch (IllegalArgumentException e) {
            throw new ServletException(e.getMessage(), e);
        }
        log("JWSGI Python application " + spec.trim() + " from " + path + " on GraalPy (" + loaded.app.implementation() + ")");
        try {
            super.init();
        } catch (ServletException | RuntimeException e) {
            // The container calls destroy() only after a successful init: end the interpreter here.
            loaded.close();
            throw e;
        }
    }

    /**
     * The init-params, with {@code turns} defaulting to {@code pool}: Python runs on the bridge's
     * threads only, since Truffle leaves a thread-local on every thread that enters GraalPy, which
     * on a container's thread would pin the web application's class loader after undeploy.
     */
    @Override
    public String getInitParameter(String name) {
        String value = super.getInitParameter(name);
        return value == null && "turns".equals(name) ? "pool" : value;
    }

    /** The application, set at {@link #init()}; the servlet is given it before init-params can be read. */
    private static final class Loaded implements Application, AutoCloseable {
        private volatile PythonApplication app;

        @Override
        public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) {
            return app.call(environ, startResponse);
        }

        @Override
        public void close() {
            PythonApplication current = app;
            if (current != null) {
                current.close();
            }
        }
    }
}
