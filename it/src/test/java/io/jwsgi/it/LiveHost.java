package io.jwsgi.it;

import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.Servlet;
import java.nio.file.Path;

/**
 * A running container whose contexts are deployed and undeployed one by one, for the redeploy
 * tests ({@link Container} deploys everything once, at start). Which container runs is chosen by
 * {@link Container#PROPERTY}, as for {@link Container}.
 */
interface LiveHost {

    /** One deployed context. */
    interface Deployed {

        /** The context's class loader: the web application's own for a WAR. */
        ClassLoader classLoader();

        /**
         * The servlet instance registered under {@code name}; for a WAR, of the WAR's own classes.
         *
         * @param name the servlet's name, as in {@code web.xml}
         * @return the servlet, initialised
         */
        Servlet servlet(String name) throws Exception;

        /** Stops the context and removes it from the host, as an undeploy does. */
        void undeploy() throws Exception;
    }

    /** Starts an empty host on a free loopback port. */
    static LiveHost start() throws Exception {
        // Loaded by name: each execution's classpath holds only its own container's classes.
        String type = Container.name().equals("jetty") ? "io.jwsgi.it.JettyLiveHost" : "io.jwsgi.it.TomcatLiveHost";
        LiveHost host = (LiveHost) Class.forName(type).getConstructor().newInstance();
        host.run();
        return host;
    }

    /** Starts the host; called once. */
    void run() throws Exception;

    /** The port the host listens on, on 127.0.0.1. */
    int port();

    /**
     * Deploys a WAR and starts it.
     *
     * @param contextPath e.g. {@code "/sample"}
     * @param war the WAR file
     * @return the deployed context
     */
    Deployed deployWar(String contextPath, Path war) throws Exception;

    /**
     * Deploys one {@link JwsgiServlet} (async-supported, initialised at once) in a new context.
     *
     * @param contextPath e.g. {@code "/app"}
     * @param name the servlet's name
     * @param servlet the servlet
     * @param initParams name, value, name, value, ...
     * @return the deployed context
     */
    Deployed deployServlet(String contextPath, String name, JwsgiServlet servlet, String... initParams) throws Exception;

    /** Stops the whole container. */
    void stop() throws Exception;
}
