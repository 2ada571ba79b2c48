package io.jwsgi.it;

import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.Servlet;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 (ee10), contexts added to and removed from a running server. */
public final class JettyLiveHost implements LiveHost {

    private Server server;
    private ServerConnector connector;
    private ContextHandlerCollection contexts;

    @Override
    public void run() throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(24, 4);
        pool.setName("jetty");
        server = new Server(pool);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        contexts = new ContextHandlerCollection();
        server.setHandler(contexts);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public Deployed deployWar(String contextPath, Path war) throws Exception {
        WebAppContext webapp = new WebAppContext(war.toString(), contextPath);
        return deploy(webapp, webapp.getServletHandler());
    }

    @Override
    public Deployed deployServlet(String contextPath, String name, JwsgiServlet servlet, String... initParams)
            throws Exception {
        ServletContextHandler context = new ServletContextHandler(contextPath);
        ServletHolder holder = new ServletHolder(name, servlet);
        holder.setAsyncSupported(true);
        holder.setInitOrder(0);
        for (int i = 0; i + 1 < initParams.length; i += 2) {
            holder.setInitParameter(initParams[i], initParams[i + 1]);
        }
        context.addServlet(holder, "/*");
        return deploy(context, context.getServletHandler());
    }

    private Deployed deploy(ServletContextHandler context, ServletHandler handler) throws Exception {
        contexts.addHandler(context);
        if (!context.isStarted()) {
            context.start();
        }
        // Added to a running server, the context is not stopped with it unless managed.
        contexts.manage(context);
        return new Deployed() {
            @Override
            public ClassLoader classLoader() {
                return context.getClassLoader() != null ? context.getClassLoader() : JettyLiveHost.class.getClassLoader();
            }

            @Override
            public Servlet servlet(String name) throws Exception {
                return handler.getServlet(name).getServlet();
            }

            @Override
            public void undeploy() throws Exception {
                context.stop();
                contexts.removeHandler(context);
                context.destroy();
            }
        };
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
