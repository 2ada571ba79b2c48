package io.jwsgi.bench;

import java.nio.file.Path;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 (ee10), HTTP/1.1, one acceptor and one selector, the default 200-thread pool. */
public final class JettyBenchServer implements BenchServer {

    private Server server;
    private ServerConnector connector;

    @Override
    public void run(List<Mount> mounts, Path staticDir) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(200, 8);
        pool.setName("jetty");
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(IDLE_SECONDS * 1000L);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.setBaseResourceAsPath(staticDir);
        ServletHolder files = new ServletHolder("default", DefaultServlet.class);
        files.setInitParameter("dirAllowed", "false");
        context.addServlet(files, "/");
        int n = 0;
        for (Mount m : mounts) {
            ServletHolder holder = new ServletHolder("bench-" + (++n), m.servlet());
            holder.setAsyncSupported(true);
            holder.setInitParameters(m.initParams());
            context.addServlet(holder, m.pattern());
        }
        server.setHandler(context);
        server.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public int bufferBytes() {
        return new HttpConfiguration().getOutputBufferSize();
    }

    @Override
    public String describe() {
        return "Jetty " + Server.getVersion() + " ee10, HTTP/1.1 connector with 1 acceptor and 1 selector,"
                + " QueuedThreadPool max 200, output buffer " + new HttpConfiguration().getOutputBufferSize() + " B";
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
