package io.jwsgi.it;

import static io.jwsgi.it.FaultApps.OCTETS;
import static io.jwsgi.it.FaultApps.TEXT;
import static io.jwsgi.it.FaultApps.bytes;
import static io.jwsgi.it.FaultApps.endless;
import static io.jwsgi.it.FaultApps.sleeper;
import static io.jwsgi.it.FaultApps.uploadReader;
import static io.jwsgi.it.FaultApps.watched;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.Write;
import io.jwsgi.it.FaultApps.Ctx;
import io.jwsgi.servlet.JwsgiServlet;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix: the client goes away, or the application fails, at each stage of a response.
 * For every cell: what the client sees, the iterable closed exactly once, the exchange completed
 * once (an {@link AsyncListener} counts the container's {@code onComplete}), the log naming the
 * fault, the next request served normally, and nothing left behind ({@link Residue}).
 */
class FaultMatrixIT {

    private static final String LEFT = "left";
    private static final byte[] KIB8 = new byte[8192];
    private static final byte[] KIB64 = new byte[65536];
    private static final Router router = new Router();
    private static final Router timedRouter = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final JwsgiServlet timed = new JwsgiServlet(timedRouter);
    private static final Router pooledRouter = new Router();
    /** For the legacy write(), which waits for the client on the bridge's threads only (SPEC.md section 7). */
    private static final JwsgiServlet pooled = new JwsgiServlet(pooledRouter);
    private static final LogCapture log = LogCapture.install(Level.FINE);
    private static final AtomicInteger routes = new AtomicInteger();

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", servlet)
            .servlet("", "/timed/*", timed, "async-timeout", "300")
            .servlet("", "/pooled/*", pooled, "turns", "pool"));

    @AfterAll
    static void stopCapture() {
        log.close();
    }

    /** The servlets: plain; with a 300 ms async-timeout; with every turn on the bridge's threads. */
    enum On { PLAIN, TIMED, POOLED }

    /** Makes a cell's application; it keeps what the test needs in the {@link Ctx}. */
    @FunctionalInterface
    interface AppFactory {
        Application create(Ctx ctx);
    }

    /** The client's part: returns what it saw, "{status} whole", "{status} cut", or {@link #LEFT}. */
    @FunctionalInterface
    interface Client {
        String drive(RawConnection conn, Ctx ctx) throws Exception;
    }

    /**
     * One cell of the matrix.
     *
     * @param name the scenario
     * @param on the servlet it runs on
     * @param seen what the client must see
     * @param closes how many {@code close()} calls the body must get: 1, or 0 when no iterable was returned
     * @param logged a fragment the bridge's log must hold
     * @param clientsFault whether the client caused it, so no line may blame the application
     * @param cut whether the bridge ends it by cutting the connection (an ASYNC dispatch that throws)
     */
    record Cell(String name, On on, AppFactory app, Client client, String seen, int closes,
            String logged, boolean clientsFault, boolean cut) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The cells, or those whose name holds the system property {@code fault.cells} (for debugging one). */
    static Stream<Cell> cells() {
        return allCells().filter(c -> c.name().contains(System.getProperty("fault.cells", "")));
    }

    static Stream<Cell> allCells() {
        return Stream.of(
                clientLeaves("client leaves before the head", ctx -> (env, sr) -> {
                    ctx.reached();
                    ctx.awaitReleased();
                    sr.start("200 OK", OCTETS);
                    return ctx.body(new ProbeBody(i -> KIB8));
                }, (conn, ctx) -> {
                    conn.get(ctx.path);
                    ctx.awaitReached();
                    conn.close();
                    ctx.release();
                    return LEFT;
                }, "client went away"),
                clientLeaves("client leaves mid-body", ctx -> endless(ctx, KIB8), (conn, ctx) -> {
                    conn.get(ctx.path).readHead();
                    conn.readChunk();
                    return LEFT;
                }, "client went away"),
                clientLeaves("client leaves while the app sleeps, noticed at the next write",
                        ctx -> sleeper(ctx, "partial\n", i -> KIB8), (conn, ctx) -> {
                    conn.get(ctx.path).readHead();
                    conn.readChunk();
                    ctx.awaitReached();
                    conn.close();
                    ctx.wake.run();
                    return LEFT;
                }, "client went away"),
                new Cell("client leaves while the app sleeps, noticed at the idle timeout", On.TIMED,
                        ctx -> sleeper(ctx, "partial\n", i -> ProbeBody.END), (conn, ctx) -> {
                    conn.get(ctx.path).readHead();
                    conn.readChunk();
                    ctx.awaitReached();
                    return LEFT;
                }, LEFT, 1, "no progress for", true, true),
                clientLeaves("client stops reading, then leaves, while a write is pending",
                        ctx -> endless(ctx, KIB64), (conn, ctx) -> {
                    conn.get(ctx.path).readHead();
                    Await.stalled("the stream to a client that reads nothing", () -> ctx.body == null ? 0 : ctx.body.pulls());
                    return LEFT;
                }, "client went away"),
                new Cell("client stops reading, then leaves, while the app blocks in write()", On.POOLED, ctx -> (env, sr) -> {
                    Write write = sr.start("200 OK", OCTETS);
                    while (true) {
                        write.write(KIB64);
                        ctx.writes.incrementAndGet();
                    }
                }, (conn, ctx) -> {
                    conn.get(ctx.path).readHead();
                    Await.stalled("the writes to a client that reads nothing", ctx.writes::get);
                    return LEFT;
                }, LEFT, 0, "client went away", true, false),
                new Cell("client leaves during a chunked upload", On.PLAIN, FaultApps::uploadReader, (conn, ctx) -> {
                    conn.send("POST " + ctx.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "5\r\nhello\r\n");
                    ctx.awaitReached();
                    return LEFT;
                }, LEFT, 0, "upload broken", false, false),

                appFails("call throws", ctx -> (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    throw new IllegalStateException("SECRET-call");
                }, "500 whole", 0, "SECRET-call"),
                appFails("iterator() throws", ctx -> (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return ctx.body(new ProbeBody(i -> ProbeBody.END) {
                        @Override
                        public Iterator<byte[]> iterator() {
                            throw new IllegalStateException("SECRET-iterator");
                        }
                    });
                }, "500 whole", 1, "SECRET-iterator"),
                appFails("hasNext throws", ctx -> (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return ctx.body(new ProbeBody(i -> {
                        throw new IOException("SECRET-hasNext");
                    }));
                }, "500 whole", 1, "SECRET-hasNext"),
                appFails("next throws after a chunk went out", ctx -> (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return ctx.body(ProbeBody.withIterator(new Iterator<>() {
                        private int calls;

                        @Override
                        public boolean hasNext() {
                            return true;
                        }

                        @Override
                        public byte[] next() {
                            if (calls++ == 0) {
                                return bytes("partial\n");
                            }
                            throw new IllegalStateException("SECRET-next");
                        }
                    }));
                }, "200 cut", 1, "SECRET-next"),
                appFails("close() throws", ctx -> (env, sr) -> {
                    sr.start("200 OK", TEXT);
                    return ctx.body(new ProbeBody(i -> i == 0 ? bytes("whole\n") : ProbeBody.END) {
                        @Override
                        public void close() {
                            super.close();
                            throw new IllegalStateException("SECRET-close");
                        }
                    });
                }, "200 whole", 1, "SECRET-close"),
                appFails("write() is given null after a write", ctx -> (env, sr) -> {
                    Write write = sr.start("200 OK", TEXT);
                    write.write(bytes("partial\n"));
                    write.write(null);
                    return List.of();
                }, "200 cut", 0, "write() needs a byte[]"),
                appFails("next throws after a wake, before the head", ctx -> sleeper(ctx, null, i -> {
                    throw new IllegalStateException("SECRET-woken");
                }), wakeFrom(ctx -> ctx.wake.run()), "500 whole", 1, "SECRET-woken"),
                appFails("next throws after a wake, after the head", ctx -> sleeper(ctx, "partial\n", i -> {
                    throw new IllegalStateException("SECRET-woken");
                }), wakeFrom(ctx -> ctx.wake.run()), "200 cut", 1, "SECRET-woken"),
                appFails("the waker's own code throws around the wake", ctx -> sleeper(ctx, "partial\n", FaultApps::rest),
                        wakeFrom(ctx -> {
                            ctx.wake.run();
                            throw new IllegalStateException("the waker's own failure");
                        }), "200 whole", 1, null),
                appFails("the waker is interrupted when it wakes", ctx -> sleeper(ctx, "partial\n", FaultApps::rest),
                        wakeFrom(ctx -> {
                            Thread.currentThread().interrupt();
                            ctx.wake.run();
                        }), "200 whole", 1, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cells")
    void everyFaultEndsTheExchangeOnceClosesOnceAndLeavesNothingBehind(Cell cell) throws Exception {
        // given the cell's application, fresh, with a listener counting the exchange's completions
        Ctx ctx = new Ctx();
        Router on = cell.on == On.TIMED ? timedRouter : cell.on == On.POOLED ? pooledRouter : router;
        String route = on.put("/cell-" + routes.incrementAndGet(),
                watched(ctx, cell.app.create(ctx)));
        ctx.path = (cell.on == On.TIMED ? "/timed" : cell.on == On.POOLED ? "/pooled" : "") + route;
        log.clear();

        // when the client plays its part
        String seen;
        try (RawConnection conn = RawConnection.open(server.port())) {
            seen = cell.client.drive(conn, ctx);
        }

        // then the client saw what the contract promises, the exchange ended once and nothing is left
        String where = cell + " on " + server.name();
        assertThat(seen).as("what the client saw: %s", where).isEqualTo(cell.seen);
        Residue.assertNone(server.name(), servlet, timed, pooled);
        assertEndedOnce(cell, ctx, where);
        if (cell.logged != null) {
            Await.until(() -> "a log line holding \"" + cell.logged + "\": " + where + ", got " + log.lines(),
                    () -> log.contains(cell.logged));
        }
        if (cell.clientsFault) {
            assertThat(log.lines()).as("no line blames the application: %s", where)
                    .noneMatch(line -> line.contains("application error"));
        }
        // and the server serves the next request normally
        try (RawConnection conn = RawConnection.open(server.port())) {
            assertThat(conn.get("/hello").readResponse().text()).as("next request after %s", where).isEqualTo("hello\n");
        }
    }

    private static void assertEndedOnce(Cell cell, Ctx ctx, String where) throws InterruptedException {
        // Jetty fires no onComplete after an ASYNC dispatch that throws (the bridge's way to cut a response).
        int completions = cell.cut && server.name().equals("jetty") ? 0 : 1;
        Await.until(() -> "the container completed the exchange: " + where + ", listener saw " + ctx.events,
                () -> ctx.completions.get() >= completions);
        assertThat(ctx.completions.get()).as("AsyncListener.onComplete calls: %s", where).isEqualTo(completions);
        assertThat(ctx.body == null ? 0 : ctx.body.closes()).as("close() calls: %s", where).isEqualTo(cell.closes);
        if (ctx.wakerFailure != null) {
            assertThat(ctx.wakerFailure).as("only the waker's own failure reached the waker: %s", where)
                    .hasMessage("the waker's own failure");
        }
    }

    /** Cells of the legacy write() run where it may wait for the client; the others on the plain servlet. */
    private static On on(String name) {
        return name.contains("write()") ? On.POOLED : On.PLAIN;
    }

    private static Cell clientLeaves(String name, AppFactory app, Client client, String logged) {
        return new Cell(name, On.PLAIN, app, client, LEFT, 1, logged, true, false);
    }

    private static Cell appFails(String name, AppFactory app, String seen, int closes, String logged) {
        return appFails(name, app, (conn, ctx) -> describe(conn.get(ctx.path).readResponse()), seen, closes, logged);
    }

    private static Cell appFails(String name, AppFactory app, Client client, String seen, int closes, String logged) {
        return new Cell(name, on(name), app, client, seen, closes, logged, false, seen.endsWith(" cut"));
    }

    /** Requests, waits until the application sleeps, wakes it from a new thread running {@code waker}, reads. */
    private static Client wakeFrom(Consumer<Ctx> waker) {
        return (conn, ctx) -> {
            conn.get(ctx.path);
            ctx.awaitReached();
            Thread thread = new Thread(() -> waker.accept(ctx), "waker");
            thread.setUncaughtExceptionHandler((t, e) -> ctx.wakerFailure = e);
            thread.start();
            thread.join(Await.DEADLINE.toMillis());
            return describe(conn.readResponse());
        };
    }

    private static String describe(RawResponse response) {
        return response.status() + (response.complete() ? " whole" : " cut");
    }
}
