package io.jwsgi.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;

/**
 * Tomcat 11, NIO HTTP/1.1 connector, 200 threads, maxConnections raised for 10,000 parked requests,
 * Tomcat's default {@code processorCache} (200); a second connector with {@code processorCache="0"}
 * (no request lost to Tomcat's race, RELIABILITY.md section 7) serves the same context, for the hello
 * scenario's comparison.
 */
public final class TomcatBenchServer implements BenchServer {

    private Tomcat tomcat;
    private Connector connector;
    private Connector noReuse;
    private Path baseDir;

    @Override
    public void run(List<Mount> mounts, Path staticDir) throws Exception {
        baseDir = Files.createTempDirectory("jwsgi-bench-tomcat");
        Files.createDirectories(baseDir.resolve("webapps"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = connector("200");
        noReuse = connector("0");
        tomcat.setConnector(connector);
        tomcat.getService().addConnector(noReuse);
        Context context = tomcat.addContext("", staticDir.toString());
        Wrapper files = Tomcat.addServlet(context, "default", new DefaultServlet());
        files.addInitParameter("listings", "false");
        context.addServletMapping("/", "default");
        int n = 0;
        for (Mount m : mounts) {
            String name = "bench-" + (++n);
            Wrapper wrapper = Tomcat.addServlet(context, name, m.servlet());
            wrapper.setAsyncSupported(true);
            m.initParams().forEach(wrapper::addInitParameter);
            context.addServletMapping(m.pattern(), name);
        }
        tomcat.start();
    }

    private static Connector connector(String processorCache) {
        Connector c = new Connector("HTTP/1.1");
        c.setPort(0);
        c.setProperty("address", "127.0.0.1");
        c.setProperty("maxThreads", "200");
        c.setProperty("minSpareThreads", "8");
        c.setProperty("acceptCount", "4096");
        // The default 8192 would refuse part of the 10,000 parked requests.
        c.setProperty("maxConnections", Integer.toString(MAX_CONNECTIONS));
        c.setProperty("maxKeepAliveRequests", "-1");
        c.setProperty("keepAliveTimeout", Integer.toString(IDLE_SECONDS * 1000));
        c.setProperty("connectionTimeout", Integer.toString(IDLE_SECONDS * 1000));
        c.setProperty("processorCache", processorCache);
        return c;
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public int variantPort() {
        return noReuse.getLocalPort();
    }

    @Override
    public int bufferBytes() {
        // The response's output buffer plus the socket's application write buffer.
        return 8192 + Integer.parseInt(String.valueOf(connector.getProperty("socket.appWriteBufSize")));
    }

    @Override
    public String describe() {
        return ServerInfo.getServerInfo() + ", NIO HTTP/1.1 connector, maxThreads 200, maxConnections "
                + MAX_CONNECTIONS + ", socket.appWriteBufSize " + connector.getProperty("socket.appWriteBufSize")
                + " B, response buffer 8192 B";
    }

    @Override
    public void stop() throws Exception {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // A leftover temp directory is harmless.
            }
        }
    }
}
