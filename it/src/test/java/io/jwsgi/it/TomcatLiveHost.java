package io.jwsgi.it;

import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.Servlet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Host;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanFilter;

/** Tomcat 10.1 or 11, contexts added to and removed from a running host. */
public final class TomcatLiveHost implements LiveHost {

    /**
     * Tomcat waits up to a context's unloadDelay (2 s by default) for async requests still in
     * progress before it stops its servlets; the bridge ends them only then, in destroy().
     */
    private static final long UNLOAD_DELAY_MILLIS = 100;

    private Tomcat tomcat;
    private Connector connector;
    private Path baseDir;

    @Override
    public void run() throws Exception {
        baseDir = Files.createTempDirectory("jwsgi-tomcat-live");
        // Tomcat logs SEVERE when deploying a WAR unless the host's appBase exists before start.
        Files.createDirectories(baseDir.resolve("webapps"));
        tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        connector = new Connector("HTTP/1.1");
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "24");
        tomcat.setConnector(connector);
        // No default web.xml: it declares the JSP servlet, whose classes (Jasper) are not here.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.getHost();
        tomcat.start();
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public Deployed deployWar(String contextPath, Path war) throws Exception {
        ContextConfig config = new ContextConfig();
        Context context = tomcat.addWebapp(tomcat.getHost(), contextPath, war.toAbsolutePath().toString(), event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                // The WAR declares its servlets in web.xml: scanning its libraries for annotations costs a second a deploy.
                StandardJarScanFilter skipAll = new StandardJarScanFilter();
                skipAll.setTldSkip("*");
                skipAll.setPluggabilitySkip("*");
                ((Context) event.getLifecycle()).getJarScanner().setJarScanFilter(skipAll);
            }
            config.lifecycleEvent(event);
        });
        ((StandardContext) context).setUnloadDelay(UNLOAD_DELAY_MILLIS);
        return deployed(context);
    }

    @Override
    public Deployed deployServlet(String contextPath, String name, JwsgiServlet servlet, String... initParams)
            throws Exception {
        Path docBase = Files.createDirectories(baseDir.resolve("docs" + contextPath.replace('/', '-')));
        // Built whole before it joins the running host, which starts it (and the servlet) at once.
        StandardContext context = new StandardContext();
        context.setName(contextPath);
        context.setPath(contextPath);
        context.setDocBase(docBase.toString());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        context.setUnloadDelay(UNLOAD_DELAY_MILLIS);
        Wrapper wrapper = Tomcat.addServlet(context, name, servlet);
        wrapper.setAsyncSupported(true);
        wrapper.setLoadOnStartup(0);
        for (int i = 0; i + 1 < initParams.length; i += 2) {
            wrapper.addInitParameter(initParams[i], initParams[i + 1]);
        }
        context.addServletMapping("/*", name);
        tomcat.getHost().addChild(context);
        return deployed(context);
    }

    private Deployed deployed(Context context) {
        Host host = tomcat.getHost();
        return new Deployed() {
            @Override
            public ClassLoader classLoader() {
                return context.getLoader().getClassLoader();
            }

            @Override
            public Servlet servlet(String name) throws Exception {
                return ((Wrapper) context.findChild(name)).getServlet();
            }

            @Override
            public void undeploy() {
                host.removeChild(context);
            }
        };
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
