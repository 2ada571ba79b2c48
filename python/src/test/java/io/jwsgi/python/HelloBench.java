package io.jwsgi.python;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;

/**
 * Hello world from a Python application through the bridge against the same from a Java
 * application, on one Jetty, measured with wrk. Not part of the build's tests:
 * {@code mvn -pl python -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=HelloBench}
 * (on Java 21+), with {@code -Dbench.seconds=N} (default 10), {@code -Dbench.warmup=N} (seconds of Python warm-up,
 * default 40) and {@code -Dbench.connections=N} (default 16).
 */
class HelloBench {

    private static final byte[] BODY = "Hello, world!\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void pythonHelloAgainstJavaHello() throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int connections = Integer.getInteger("bench.connections", 16);
        // The JVM takes tens of thousands of requests to compile Truffle's interpreter for this code.
        int warmup = Integer.getInteger("bench.warmup", 40);
        Application java = (environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                    new Header("Content-Length", Integer.toString(BODY.length))));
            return List.of(BODY);
        };
        try (PythonApplication python = new PythonApplication("hello:application", List.of(Path.of("src/test/python")))) {
            QueuedThreadPool pool = new QueuedThreadPool(24, 4);
            Server server = new Server(pool);
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler("/");
            add(context, "java", new JwsgiServlet(java));
            add(context, "python", new JwsgiServlet(python));
            server.setHandler(context);
            server.start();
            try {
                String base = "http://127.0.0.1:" + connector.getLocalPort();
                // Warm both (Truffle's interpreter and the JVM's JIT), then measure each.
                wrk(base + "/python/", warmup, connections);
                wrk(base + "/java/", Math.max(3, warmup / 4), connections);
                double py = wrk(base + "/python/", seconds, connections);
                double jv = wrk(base + "/java/", seconds, connections);
                System.out.printf("hello world, %d connections, %d s: Python %.0f req/s, Java %.0f req/s, ratio %.3f (%s)%n",
                        connections, seconds, py, jv, py / jv, python.implementation());
                assertThat(py).isPositive();
            } finally {
                server.stop();
            }
        }
    }

    private static void add(ServletContextHandler context, String name, JwsgiServlet servlet) {
        ServletHolder holder = new ServletHolder(name, servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/" + name + "/*");
    }

    /** Requests per second wrk measured, one thread, on 127.0.0.1. */
    private static double wrk(String url, int seconds, int connections) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", url)
                .redirectErrorStream(true).start();
        String out;
        try (InputStream in = wrk.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(wrk.waitFor()).as("wrk's exit status: %s", out).isZero();
        assertThat(out).as("wrk saw only 2xx").doesNotContain("Non-2xx");
        Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        assertThat(m.find()).as("wrk's output: %s", out).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
