package io.jwsgi.it;

import io.jwsgi.servlet.JwsgiServlet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a test class asks the container to serve: {@link JwsgiServlet}s registered
 * programmatically under context paths and mappings, and optionally a WAR.
 */
final class Deployment {

    /** One servlet registration. */
    record Servlet(String contextPath, String mapping, JwsgiServlet servlet, Map<String, String> initParams) {
    }

    /** A WAR deployed under a context path. */
    record War(String contextPath, Path file) {
    }

    private final List<Servlet> servlets = new ArrayList<>();
    private final List<War> wars = new ArrayList<>();
    private final Map<String, String> contextParams = new LinkedHashMap<>();
    private int maxThreads = 24;
    private long idleTimeoutMillis;
    private final Map<String, String> tomcatConnector = new LinkedHashMap<>();

    /**
     * Registers a servlet, async-supported.
     *
     * @param contextPath {@code ""} for the root context, else e.g. {@code "/ctx"}
     * @param mapping the URL pattern, e.g. {@code "/*"}, {@code "/prefix/*"} or {@code "/"}
     * @param servlet the servlet, built with {@code new JwsgiServlet(app)}
     * @param initParams name, value, name, value, ...
     * @return this
     */
    Deployment servlet(String contextPath, String mapping, JwsgiServlet servlet, String... initParams) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i + 1 < initParams.length; i += 2) {
            params.put(initParams[i], initParams[i + 1]);
        }
        servlets.add(new Servlet(contextPath, mapping, servlet, params));
        return this;
    }

    /**
     * Deploys the sample WAR built by the sample-war module.
     *
     * @param contextPath {@code ""} for the root context
     * @return this
     */
    Deployment sampleWar(String contextPath) {
        String file = System.getProperty("jwsgi.sample.war", "");
        if (file.isEmpty() || file.startsWith("${")) {
            throw new IllegalStateException("system property jwsgi.sample.war must name the sample WAR; run through mvn verify");
        }
        return war(contextPath, Path.of(file));
    }

    /**
     * Deploys a WAR file or an exploded WAR directory.
     *
     * @param contextPath {@code ""} for the root context
     * @param file the WAR or the directory holding its {@code WEB-INF}
     * @return this
     */
    Deployment war(String contextPath, Path file) {
        wars.add(new War(contextPath, file));
        return this;
    }

    /**
     * Sets a context init-parameter on every context of the deployment, WARs included, as a
     * container's per-context configuration does ({@code ServletContext.getInitParameter}).
     *
     * @param name the parameter's name, which the WAR's {@code web.xml} must not declare too
     * @param value its value
     * @return this
     */
    Deployment contextParam(String name, String value) {
        contextParams.put(name, value);
        return this;
    }

    /**
     * Sets the most threads the container's request pool may have; default 24.
     *
     * @param value the pool's maximum size
     * @return this
     */
    Deployment maxThreads(int value) {
        this.maxThreads = value;
        return this;
    }

    /**
     * Sets how long a connection may stay silent (a stalled upload, say) before the container
     * closes it: Jetty's connector idle timeout, Tomcat's {@code connectionTimeout}; by default the
     * container's own (30 s on Jetty, 20 s on Tomcat).
     *
     * @param millis the timeout
     * @return this
     */
    Deployment idleTimeout(long millis) {
        this.idleTimeoutMillis = millis;
        return this;
    }

    /**
     * Sets an attribute of Tomcat's HTTP connector, e.g. {@code continueResponseTiming}; Jetty
     * ignores it.
     *
     * @param name the connector attribute
     * @param value its value
     * @return this
     */
    Deployment tomcatConnector(String name, String value) {
        tomcatConnector.put(name, value);
        return this;
    }

    List<Servlet> servlets() {
        return servlets;
    }

    List<War> wars() {
        return wars;
    }

    Map<String, String> contextParams() {
        return contextParams;
    }

    int maxThreads() {
        return maxThreads;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    Map<String, String> tomcatConnector() {
        return tomcatConnector;
    }
}
