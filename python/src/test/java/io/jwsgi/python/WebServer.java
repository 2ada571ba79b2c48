package io.jwsgi.python;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanFilter;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.eclipse.jetty.ee11.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** An embedded Jetty 12 (ee11) or Tomcat 11 serving one unpacked web application on a free loopback port. */
interface WebServer {

    /** Request threads each container may have: far fewer than the sleeping responses the tests hold. */
    int MAX_THREADS = 24;

    /** The directory of the test web application (src/test/webapp), from the build. */
    static Path webapp() {
        String dir = System.getProperty("jwsgi.webapp", "");
        if (dir.isEmpty()) {
            throw new IllegalStateException("system property jwsgi.webapp must name src/test/webapp; run through mvn verify");
        }
        return Path.of(dir);
    }

    int port();

    void stop() throws Exception;

    default URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port() + pathAndQuery);
    }

    static WebServer jetty(Path webapp) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 4);
        pool.setName("jetty");
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        connector.setAcceptQueueSize(1024);
        server.addConnector(connector);
        server.setHandler(new WebAppContext(webapp.toString(), "/"));
        server.start();
        return new WebServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void stop() throws Exception {
                server.stop();
            }
        };
    }

    static WebServer tomcat(Path webapp) throws Exception {
        Path base = Files.createTempDirectory("jwsgi-python-tomcat");
        // Tomcat logs SEVERE when deploying unless the host's appBase exists before start.
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(MAX_THREADS));
        connector.setProperty("minSpareThreads", "4");
        connector.setProperty("acceptCount", "1024");
        tomcat.setConnector(connector);
        // No default web.xml: it declares the JSP servlet, whose classes (Jasper) are not here.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("", webapp.toAbsolutePath().toString());
        ((StandardJarScanner) context.getJarScanner()).setScanClassPath(false);
        // The servlets are in web.xml: scanning WEB-INF/lib (GraalPy's jars, WarLibIT) for TLDs and annotations only costs time.
        StandardJarScanFilter skipAll = new StandardJarScanFilter();
        skipAll.setTldSkip("*");
        skipAll.setPluggabilitySkip("*");
        context.getJarScanner().setJarScanFilter(skipAll);
        tomcat.start();
        return new WebServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void stop() throws Exception {
                try {
                    tomcat.stop();
                    tomcat.destroy();
                } finally {
                    try (Stream<Path> files = Files.walk(base)) {
                        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                    }
                }
            }
        };
    }
}
