package io.jwsgi.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;
import org.apache.tomcat.util.scan.StandardJarScanner;

/** Tomcat 10.1 or 11 (whichever is on the classpath), HTTP/1.1 with h2c upgrade, NIO connector. */
public final class TomcatContainer implements Container {

    private Tomcat tomcat;
    private Connector connector;
    private Path baseDir;

    @Override
    public void run(Deployment deployment) throws Exception {
        String info = ServerInfo.getServerInfo();
        Container.checkVersion(info.substring(info.indexOf('/') + 1));
        baseDir = Files.createTempDirectory("jwsgi-tomcat");
        // Tomcat logs SEVERE when deploying a WAR unless the host's appBase exists before start.
        Files.createDirectories(baseDir.resolve("webapps"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", Integer.toString(deployment.maxThreads()));
        connector.setProperty("minSpareThreads", Integer.toString(Math.min(4, deployment.maxThreads())));
        // Many connections open at once in the concurrency test: don't let the backlog drop any.
        connector.setProperty("acceptCount", "1024");
        if (deployment.idleTimeoutMillis() > 0) {
            connector.setProperty("connectionTimeout", Long.toString(deployment.idleTimeoutMillis()));
        }
        deployment.tomcatConnector().forEach(connector::setProperty);
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);

        Map<String, Context> byPath = new HashMap<>();
        int n = 0;
        for (Deployment.Servlet s : deployment.servlets()) {
            Context context = byPath.computeIfAbsent(s.contextPath(), path -> withParams(emptyContext(path), deployment));
            String name = "jwsgi-" + (++n);
            Wrapper wrapper = Tomcat.addServlet(context, name, s.servlet());
            wrapper.setAsyncSupported(true);
            s.initParams().forEach(wrapper::addInitParameter);
            context.addServletMapping(s.mapping(), name);
        }
        // No default web.xml: it declares the JSP servlet, whose classes (Jasper) are not here.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        for (Deployment.War war : deployment.wars()) {
            Context webapp = withParams(tomcat.addWebapp(war.contextPath(), war.file().toAbsolutePath().toString()), deployment);
            // The test classpath is the JVM's, not the WAR's: scanning its jars (Selenium's among them) only costs time.
            ((StandardJarScanner) webapp.getJarScanner()).setScanClassPath(false);
        }
        tomcat.start();
    }

    /** Context init-params as a {@code <Parameter>} of {@code context.xml} gives them. */
    private static Context withParams(Context context, Deployment deployment) {
        deployment.contextParams().forEach((name, value) -> {
            ApplicationParameter param = new ApplicationParameter();
            param.setName(name);
            param.setValue(value);
            param.setOverride(false);
            context.addApplicationParameter(param);
        });
        return context;
    }

    private Context emptyContext(String path) {
        try {
            Path docBase = Files.createDirectories(baseDir.resolve("docs" + (path.isEmpty() ? "-root" : path.replace('/', '-'))));
            return tomcat.addContext(path, docBase.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the document base of context " + path, e);
        }
    }

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
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
