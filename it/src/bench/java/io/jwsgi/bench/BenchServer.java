package io.jwsgi.bench;

import jakarta.servlet.Servlet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An embedded container tuned for benchmarks: loopback only, idle and keep-alive timeouts long
 * enough for 10,000 parked connections, no limit on requests per connection, every servlet
 * async-supported in the root context. Which container runs is named by the system property
 * {@code jwsgi.container} ({@code jetty} or {@code tomcat11}), set by each failsafe execution.
 */
interface BenchServer {

    /** A servlet registered under a URL pattern, with its init-params. */
    record Mount(String pattern, Servlet servlet, Map<String, String> initParams) {
        Mount(String pattern, Servlet servlet) {
            this(pattern, servlet, Map.of());
        }
    }

    /** Seconds a connection may stay idle; covers the longest round of the suspended-requests scenario. */
    int IDLE_SECONDS = 600;

    /** The most connections a container accepts at once; above the 10,000 parked requests plus wrk's. */
    int MAX_CONNECTIONS = 20_000;

    /**
     * Starts the container named by {@code jwsgi.container} on a free loopback port.
     *
     * @param mounts the servlets to serve
     * @param staticDir the directory the container's own default servlet serves at {@code /}
     * @return the started server
     * @throws Exception if it fails to start
     */
    static BenchServer start(List<Mount> mounts, Path staticDir) throws Exception {
        String type = container().equals("jetty") ? "io.jwsgi.bench.JettyBenchServer" : "io.jwsgi.bench.TomcatBenchServer";
        // Loaded by name: each execution's classpath holds only its own container's classes.
        BenchServer server = (BenchServer) Class.forName(type).getConstructor().newInstance();
        server.run(mounts, staticDir);
        return server;
    }

    /** The container under test, from the system property {@code jwsgi.container}. */
    static String container() {
        String name = System.getProperty("jwsgi.container", "");
        if (!name.equals("jetty") && !name.equals("tomcat11")) {
            throw new IllegalStateException("system property jwsgi.container must be jetty or tomcat11, got \""
                    + name + "\"; run the benchmarks with mvn -P bench -pl it -am verify");
        }
        return name;
    }

    /**
     * Starts serving; called once.
     *
     * @param mounts the servlets
     * @param staticDir the directory the container's default servlet serves, as configured by default, at {@code /}
     * @throws Exception if the container fails to start
     */
    void run(List<Mount> mounts, Path staticDir) throws Exception;

    /** The port on 127.0.0.1. */
    int port();

    /**
     * A second port serving the same mounts with one connector setting changed (Tomcat:
     * {@code processorCache="0"}), or -1 when there is none.
     */
    default int variantPort() {
        return -1;
    }

    /** The bytes the container buffers per response on its own: its output buffer(s). */
    int bufferBytes();

    /** A short description of the container and its settings, for the report. */
    String describe();

    /**
     * Stops the container.
     *
     * @throws Exception if it fails to stop
     */
    void stop() throws Exception;
}
