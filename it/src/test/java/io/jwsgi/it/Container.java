package io.jwsgi.it;

import java.net.URI;

/**
 * An embedded servlet container serving a {@link Deployment} on a free loopback port. Which
 * container runs is chosen by the system property {@code jwsgi.container}, set by each failsafe
 * execution: {@code jetty}, {@code tomcat10} or {@code tomcat11}.
 */
interface Container {

    /** The system property naming the container under test. */
    String PROPERTY = "jwsgi.container";

    /** The system property holding the version the build asked for, checked against the one running. */
    String VERSION_PROPERTY = "jwsgi.container.version";

    /**
     * Starts the container named by {@link #PROPERTY} with the deployment.
     *
     * @param deployment what to serve
     * @return the started container
     * @throws Exception if it fails to start
     */
    static Container start(Deployment deployment) throws Exception {
        String name = name();
        // Loaded by name: each execution's classpath holds only its own container's classes.
        String type = name.equals("jetty") ? "io.jwsgi.it.JettyContainer" : "io.jwsgi.it.TomcatContainer";
        Container container = (Container) Class.forName(type).getConstructor().newInstance();
        container.run(deployment);
        return container;
    }

    /**
     * Fails unless the container that runs is the version the build asked for: a classpath that
     * let the wrong Tomcat or servlet API through would otherwise pass unnoticed.
     *
     * @param running the running container's version
     */
    static void checkVersion(String running) {
        String expected = System.getProperty(VERSION_PROPERTY, "");
        if (!running.equals(expected)) {
            throw new IllegalStateException(name() + " runs version " + running + " but the build asked for \""
                    + expected + "\" (" + VERSION_PROPERTY + "); check the failsafe execution's classpath");
        }
    }

    /** The name of the container under test, from {@link #PROPERTY}. */
    static String name() {
        String name = System.getProperty(PROPERTY, "");
        if (!name.equals("jetty") && !name.equals("tomcat10") && !name.equals("tomcat11")) {
            throw new IllegalStateException("system property " + PROPERTY + " must be jetty, tomcat10 or tomcat11,"
                    + " got \"" + name + "\"; run the tests through mvn verify");
        }
        return name;
    }

    /**
     * Starts serving the deployment; called once.
     *
     * @param deployment what to serve
     * @throws Exception if the container fails to start
     */
    void run(Deployment deployment) throws Exception;

    /** The port the container listens on, on 127.0.0.1. */
    int port();

    /**
     * Stops the container.
     *
     * @throws Exception if it fails to stop
     */
    void stop() throws Exception;

    /**
     * The address of a path on this container.
     *
     * @param pathAndQuery the raw (already encoded) path and query, starting with {@code /}
     * @return {@code http://127.0.0.1:port} followed by it
     */
    default URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }
}
