package io.jwsgi.it;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 (ee10) with HTTP/1.1 and h2c on one connector. */
public final class JettyContainer implements Container {

    private Server server;
    private ServerConnector connector;

    @Override
    public void run(Deployment deployment) throws Exception {
        Container.checkVersion(Server.getVersion());
        QueuedThreadPool pool = new QueuedThreadPool(deployment.maxThreads(), Math.min(4, deployment.maxThreads()));
        pool.setName("jetty");
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        if (deployment.idleTimeoutMillis() > 0) {
            connector.setIdleTimeout(deployment.idleTimeoutMillis());
        }
        // Many connections open at once in the concurrency test: don't let the backlog drop any.
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);

        ContextHandlerCollection contexts = new ContextHandlerCollection();
        Map<String, ServletContextHandler> byPath = new LinkedHashMap<>();
        int n = 0;
        for (Deployment.Servlet s : deployment.servlets()) {
            ServletContextHandler context = byPath.computeIfAbsent(s.contextPath(), path -> {
                ServletContextHandler handler = new ServletContextHandler(path.isEmpty() ? "/" : path);
                deployment.contextParams().forEach(handler::setInitParameter);
                contexts.addHandler(handler);
                return handler;
            });
            ServletHolder holder = new ServletHolder("jwsgi-" + (++n), s.servlet());
            holder.setAsyncSupported(true);
            holder.setInitParameters(s.initParams());
            context.addServlet(holder, s.mapping());
        }
        for (Deployment.War war : deployment.wars()) {
            WebAppContext webapp = new WebAppContext(war.file().toString(),
                    war.contextPath().isEmpty() ? "/" : war.contextPath());
            deployment.contextParams().forEach(webapp::setInitParameter);
            contexts.addHandler(webapp);
        }
        server.setHandler(contexts);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
