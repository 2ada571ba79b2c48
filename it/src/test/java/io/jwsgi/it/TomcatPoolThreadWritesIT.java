package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

/**
 * Tomcat without the bridge: a plain async servlet doing its non-blocking writes and flushes
 * either on the container's thread (inside {@code onWritePossible}) or on a thread of its own (the
 * Servlet spec allows both), while some clients leave mid-stream and others make fresh small requests. It
 * measures how many of the small requests Tomcat loses (closes before any answer, or answers with
 * another exchange's 500) in each case, and a third time with writes on the servlet's own threads
 * and the connector's {@code processorCache} at 0 (no request processor reused for a later
 * connection), which must lose none; RELIABILITY.md section 7 quotes the figures. Runs only on
 * the Tomcat executions and only when {@code -Drace.seconds=N} is given (the {@code soak} profile
 * gives 60). With {@code -Drace.trace=true} as well it runs only the losing variant and writes
 * Tomcat's connector log at every level into {@code target/race-trace-<container>.log}, with the
 * servlet's failed writes and the client's lost requests among it (docs/tomcat-race.md).
 */
class TomcatPoolThreadWritesIT {

    private static final long SECONDS = Long.getLong("race.seconds", 0);
    private static final int CLIENTS = 8;
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    @SuppressWarnings("deprecation") // Context.addServletMappingDecoded: the one call both Tomcat 10.1 and 11 have
    void writesOnContainerThreadsOrWithoutProcessorReuseLoseNothingAndTheFiguresOfWritesOnOwnThreadsAreReported()
            throws Exception {
        String container = System.getProperty(Container.PROPERTY, "");
        assumeTrue(container.startsWith("tomcat") && SECONDS > 0 && !RaceTrace.ON,
                "Tomcat only, with -Drace.seconds=N and without -Drace.trace");

        Tally onContainer = run(false, "200");
        Tally onOwnThreads = run(true, "200");
        Tally onOwnThreadsNoReuse = run(true, "0");

        String report = "plain async servlet on " + container + ", " + SECONDS + " s each, " + CLIENTS + " clients:\n"
                + "  writes on the container's thread: " + onContainer + "\n"
                + "  writes on the servlet's own threads: " + onOwnThreads + "\n"
                + "  writes on the servlet's own threads, processorCache=0: " + onOwnThreadsNoReuse + "\n";
        System.out.print(report);
        Files.writeString(Path.of("target", "race-" + container + ".txt"), report, StandardCharsets.UTF_8);
        assertThat(onContainer.lost.get()).as("requests lost with writes on the container's thread: %s", onContainer)
                .isZero();
        assertThat(onOwnThreadsNoReuse.lost.get())
                .as("requests lost with writes on own threads and processorCache=0: %s", onOwnThreadsNoReuse).isZero();
        assertThat(onOwnThreads.answered.get()).as("the own-threads run served requests").isPositive();
    }

    @Test
    void traceOfWritesOnOwnThreads() throws Exception {
        String container = System.getProperty(Container.PROPERTY, "");
        assumeTrue(container.startsWith("tomcat") && SECONDS > 0 && RaceTrace.ON,
                "Tomcat only, with -Drace.seconds=N and -Drace.trace=true");
        RaceTrace trace = RaceTrace.start(Path.of("target", "race-trace-" + container + ".log"));
        Tally onOwnThreads;
        try {
            onOwnThreads = run(true, "200");
        } finally {
            trace.close();
        }
        System.out.println("traced, writes on the servlet's own threads: " + onOwnThreads);
        assertThat(onOwnThreads.answered.get()).as("the traced run served requests").isPositive();
    }

    /** Counts of one run. */
    static final class Tally {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong left = new AtomicLong();
        final AtomicLong lost = new AtomicLong();

        @Override
        public String toString() {
            long requests = answered.get() + lost.get();
            return String.format("%d small requests, %d lost (%.4f %%), %d streams left by their clients", requests,
                    lost.get(), requests == 0 ? 0.0 : 100.0 * lost.get() / requests, left.get());
        }
    }

    @SuppressWarnings("deprecation")
    private static Tally run(boolean ownThreads, String processorCache) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-race").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "24");
        // 200 is Tomcat's default: a finished exchange's processor serves a later connection.
        connector.setProperty("processorCache", processorCache);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Wrapper wrapper = Tomcat.addServlet(context, "plain", new PlainStreams(ownThreads ? pool : Runnable::run));
        wrapper.setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "plain");
        tomcat.start();
        try {
            return load(connector.getLocalPort());
        } finally {
            tomcat.stop();
            tomcat.destroy();
            pool.shutdownNow();
        }
    }

    private static Tally load(int port) throws InterruptedException {
        Tally tally = new Tally();
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            boolean leaver = i % 3 == 0;
            Thread client = new Thread(() -> {
                while (System.nanoTime() < end) {
                    exchange(port, leaver, tally);
                }
            }, "race-client-" + i);
            client.start();
            clients.add(client);
        }
        for (Thread client : clients) {
            client.join();
        }
        return tally;
    }

    private static void exchange(int port, boolean leaver, Tally tally) {
        RawConnection conn = null;
        try {
            conn = RawConnection.open(port);
            if (leaver) {
                conn.get("/endless").readHead();
                conn.readChunk();
                tally.left.incrementAndGet();
                return;
            }
            RawResponse response = conn.get("/hello").readResponse();
            if (response.status() == 200) {
                tally.answered.incrementAndGet();
            } else {
                tally.lost.incrementAndGet();
                RaceTrace.event("client port %d: lost, answered %d %s", conn.localPort(), response.status(),
                        new String(response.body(), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            if (!leaver) {
                tally.lost.incrementAndGet();
                RaceTrace.event(e, "client port %d: lost, %s", conn == null ? -1 : conn.localPort(), e);
            }
        } finally {
            closeQuietly(conn);
        }
    }

    private static void closeQuietly(RawConnection conn) {
        try {
            if (conn != null) {
                conn.close();
            }
        } catch (IOException e) {
            // The connection is gone either way.
        }
    }

    /**
     * {@code /hello}: six bytes with a Content-Length, then complete; anything else: 4 KiB chunks,
     * each flushed as soon as the output is ready (as PEP 3333 asks of a server), for as long as
     * the client reads. Each {@code onWritePossible} runs its writes through {@code writer}: on the
     * container's thread, or handed to a pool.
     */
    static final class PlainStreams extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient java.util.concurrent.Executor writer;

        PlainStreams(java.util.concurrent.Executor writer) {
            this.writer = writer;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean hello = request.getRequestURI().equals("/hello");
            RaceTrace.event("servlet: %s from port %d", request.getRequestURI(), request.getRemotePort());
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            if (hello) {
                response.setContentLength(HELLO.length);
            }
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new Writes(async, out, hello, request.getRemotePort()));
        }

        /** The writes of one response, one call at a time, none after an error. */
        private final class Writes implements WriteListener {
            private final AsyncContext async;
            private final ServletOutputStream out;
            private final boolean hello;
            private final int port;
            private final byte[] chunk = new byte[4096];
            private boolean done;

            Writes(AsyncContext async, ServletOutputStream out, boolean hello, int port) {
                this.async = async;
                this.out = out;
                this.hello = hello;
                this.port = port;
            }

            @Override
            public void onWritePossible() {
                writer.execute(this::write);
            }

            private synchronized void write() {
                try {
                    while (!done && out.isReady()) {
                        if (hello) {
                            out.write(HELLO);
                            done = true;
                            async.complete();
                        } else {
                            out.write(chunk);
                            if (out.isReady()) {
                                out.flush();
                            }
                        }
                    }
                } catch (IOException e) {
                    done = true;
                    RaceTrace.event(e, "servlet: write or flush to port %d failed", port);
                }
            }

            @Override
            public synchronized void onError(Throwable t) {
                done = true;
                RaceTrace.event(t, "servlet: onError for port %d", port);
            }
        }
    }
}
