package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.Write;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code non-blocking=true}: turns the container's {@code onWritePossible} asks for run on the
 * container's thread; wakes still resume on the bridge's threads; what would block is refused.
 */
class NonBlockingIT {

    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    /** The bridge names its threads after the servlet: jwsgi-{servlet name}-N. */
    private static final String BRIDGE_THREAD = "jwsgi-";

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", servlet, "non-blocking", "true"));

    /** Whether a thread name is one of the container's request threads. */
    private static boolean containerThread(String name) {
        // Jetty's pool is named "jetty" by the harness; Tomcat's connector threads are ...-exec-N.
        return server.name().equals("jetty") ? name.matches("jetty-\\d+") : name.matches(".+-exec-\\d+");
    }

    @Test
    void helloRunsOnTheContainersThread() throws Exception {
        // given an application that answers with the name of the thread running it
        String path = router.put("/hello", (env, start) -> {
            byte[] body = Thread.currentThread().getName().getBytes(StandardCharsets.UTF_8);
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                    new Header("Content-Length", Integer.toString(body.length))));
            return List.of(body);
        });

        // when it is asked
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get(path).readResponse();
        }

        // then it answered from a container thread, not one of the bridge's
        assertThat(List.of(response.status(), response.complete())).as("status, complete on %s", server.name())
                .containsExactly(200, true);
        assertThat(containerThread(response.text())).as("%s is a %s request thread", response.text(), server.name())
                .isTrue();
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
    }

    @Test
    void aMultiChunkStreamArrivesWholeAndStartsOnTheContainersThread() throws Exception {
        // given a stream of 200 chunks of 4 KiB, each filled with its own byte, noting its thread
        List<String> threads = new CopyOnWriteArrayList<>();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 200; i++) {
            expected.writeBytes(chunk(i));
        }
        ProbeBody body = new ProbeBody(i -> {
            threads.add(Thread.currentThread().getName());
            return i < 200 ? chunk(i) : ProbeBody.END;
        });
        String path = router.put("/stream", (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return body;
        });

        // when the client reads it all
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get(path).readResponse();
        }

        // then every byte arrived in order, the first chunk came from a container thread, and the body closed once
        assertThat(response.complete()).as("complete on %s", server.name()).isTrue();
        assertThat(Arrays.equals(response.body(), expected.toByteArray())).as("body on %s", server.name()).isTrue();
        assertThat(containerThread(threads.get(0))).as("first chunk produced on %s", threads.get(0)).isTrue();
        assertThat(body.awaitClose()).as("closed on %s", server.name()).isTrue();
        assertThat(body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    @Test // #15
    void manySmallChunksArriveWholeInFarFewerWireChunks() throws Exception {
        // given 400 chunks of 16 bytes, every seventh one empty: one turn writes many and flushes once
        int count = 400;
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            expected.writeBytes(small(i));
        }
        ProbeBody body = new ProbeBody(i -> i < count ? small(i) : ProbeBody.END);
        String path = router.put("/small", (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return body;
        });

        // when the client reads it, counting the chunks of the chunked encoding
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int wireChunks = 0;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            for (byte[] c = conn.readChunk(); c.length > 0; c = conn.readChunk()) {
                received.writeBytes(c);
                wireChunks++;
            }
        }

        // then every byte arrived in order, and the container sent one wire chunk per flush, not per chunk
        int nonEmpty = count - (count + 6) / 7;
        assertThat(Arrays.equals(received.toByteArray(), expected.toByteArray())).as("body on %s", server.name()).isTrue();
        assertThat(wireChunks).as("wire chunks for %d non-empty chunks on %s", nonEmpty, server.name())
                .isPositive().isLessThan(nonEmpty / 4);
        assertThat(body.awaitClose()).as("closed on %s", server.name()).isTrue();
    }

    /** 16 bytes naming the chunk, or none for every seventh. */
    private static byte[] small(int i) {
        return i % 7 == 0 ? new byte[0] : String.format("chunk %05d ....", i).getBytes(StandardCharsets.UTF_8);
    }

    @Test // #15
    void chunksWrittenBeforeASleepReachTheClientBeforeAnyWake() throws Exception {
        // given an application that yields five chunks in one turn, then sleeps until the test wakes it
        List<String> before = List.of("one\n", "two\n", "three\n", "four\n", "five\n");
        OneSleeper app = new OneSleeper(before, i -> i == 0 ? "after\n".getBytes(StandardCharsets.UTF_8) : ProbeBody.END);
        String path = router.put("/batch-then-sleep", app);
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);

            // when the client reads, with nothing woken yet
            String joined = String.join("", before);
            StringBuilder received = new StringBuilder();
            while (received.length() < joined.length()) {
                received.append(text(conn.readChunk()));
            }

            // then all five arrived while the application sleeps: the turn's flush came before the sleep
            assertThat(received.toString()).as("before the wake on %s", server.name()).isEqualTo(joined);
            assertThat(app.awaitAsleep()).as("asleep on %s", server.name()).isTrue();
            awaitSuspended();

            // when it is woken, the rest follows
            app.wake();
            assertThat(text(conn.readChunk())).as("after the wake on %s", server.name()).isEqualTo("after\n");
            assertThat(conn.readChunk()).as("terminating chunk on %s", server.name()).isEmpty();
        }
        assertThat(app.body().awaitClose()).isTrue();
        assertThat(app.body().closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    private static byte[] chunk(int i) {
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) ('A' + i % 26));
        return data;
    }

    @Test
    void aSleepingApplicationWokenFromAForeignThreadResumesOnTheBridgesThread() throws Exception {
        // given an application that sleeps after its first chunk, and notes the thread that resumes it
        AtomicReference<String> resumedOn = new AtomicReference<>();
        OneSleeper app = new OneSleeper(List.of("before\n"), i -> {
            if (i > 0) {
                return ProbeBody.END;
            }
            resumedOn.set(Thread.currentThread().getName());
            return "after\n".getBytes(StandardCharsets.UTF_8);
        });
        String path = router.put("/sleeper", app);
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(text(conn.readChunk())).as("before the sleep on %s", server.name()).isEqualTo("before\n");
            assertThat(app.awaitAsleep()).as("asleep on %s", server.name()).isTrue();
            // Asked to sleep is not suspended yet: a wake in between is kept as a permit, and the
            // turn goes on where it runs (here a container thread); the chunk's flush now comes
            // after the sleep was asked for, just before the suspension, so that window is real.
            awaitSuspended();

            // when a thread of its own wakes it
            Thread waker = new Thread(app::wake, "waker");
            waker.start();
            waker.join(Await.DEADLINE.toMillis());

            // then the rest is produced on one of the bridge's threads, not the waker's, and delivered
            assertThat(text(conn.readChunk())).as("after the wake on %s", server.name()).isEqualTo("after\n");
            assertThat(conn.readChunk()).as("terminating chunk on %s", server.name()).isEmpty();
        }
        assertThat(resumedOn.get()).as("thread that resumed the response on %s", server.name()).startsWith(BRIDGE_THREAD);
        assertThat(app.body().awaitClose()).isTrue();
        assertThat(app.body().closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    @Test
    void aChunkedUploadIsBufferedBeforeTheApplicationRunsOnTheContainersThread() throws Exception {
        // given an application that reads its body and reports CONTENT_LENGTH, bytes read and its thread
        String path = router.put("/upload", (env, start) -> {
            byte[] read = ((InputStream) env.get(Environ.WSGI_INPUT)).readAllBytes();
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of((env.get(Environ.CONTENT_LENGTH) + " " + read.length + " " + Thread.currentThread().getName())
                    .getBytes(StandardCharsets.UTF_8));
        });

        // when a chunked upload of two chunks comes
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
            response = conn.readResponse();
        }

        // then the body was read whole first (input=buffer is implied), and the application ran on a container thread
        String[] seen = response.text().split(" ");
        assertThat(List.of(response.status(), seen[0], seen[1])).as("status, CONTENT_LENGTH, bytes read on %s",
                server.name()).containsExactly(200, "11", "11");
        assertThat(containerThread(seen[2])).as("%s is a %s request thread", seen[2], server.name()).isTrue();
    }

    @Test
    void theWriteCallableFailsAtOnceInsteadOfHangingAContainerThread() throws Exception {
        // given an application that uses the legacy write() and lets its failure through
        AtomicReference<Throwable> failure = new AtomicReference<>();
        String path = router.put("/write", (env, start) -> {
            Write write = start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            try {
                write.write("hello".getBytes(StandardCharsets.UTF_8));
            } catch (IllegalStateException e) {
                failure.set(e);
                throw e;
            }
            return List.of();
        });

        // when it is asked
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            response = conn.get(path).readResponse();
        }

        // then write() failed naming the rule, and the client got the application-error page
        assertThat(failure.get()).as("what write() threw on %s", server.name()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("non-blocking=true").hasMessageContaining("iterable");
        assertThat(List.of(response.status(), response.text())).as("response on %s", server.name())
                .containsExactly(500, "500 Internal Server Error\n");
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
    }

    @Test
    void aClientLeavingMidStreamGetsTheIterableClosedOnce() throws Exception {
        // given an endless stream of 64 KiB chunks
        ProbeBody body = new ProbeBody(i -> new byte[64 * 1024]);
        String path = router.put("/endless", (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
            return body;
        });

        // when the client reads a little and leaves
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get(path);
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(conn.readChunk()).as("first bytes on %s", server.name()).isNotEmpty();
        }

        // then the response ends and the body is closed exactly once
        assertThat(body.awaitClose()).as("closed on %s", server.name()).isTrue();
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
        assertThat(body.closes()).as("close() calls on %s", server.name()).isEqualTo(1);
    }

    /** Waits until the servlet's one response in flight is suspended on {@code async.sleep}. */
    private static void awaitSuspended() throws InterruptedException {
        Await.until("the response suspended on " + server.name(), () -> servlet.engine().metrics().gauges().asleep() == 1);
    }

    private static String text(byte[] chunk) {
        return new String(chunk, StandardCharsets.UTF_8);
    }
}
