package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow uploads and threads.
 *
 * <p>In {@code input=buffer} mode the bridge reads a body with a {@code ReadListener} before the
 * application runs: two hundred clients trickling their bodies in hold no thread, on a container
 * with 24 threads and a bridge with 4, and a request arriving meanwhile is answered at once.
 *
 * <p>In {@code input=stream} mode (PEP 3333's) the application reads {@code wsgi.input} on one of
 * the bridge's threads ({@code pool-size}), blocked for as long as the upload takes. The
 * container's threads stay free, but with as many slow uploads as the bridge has threads, a
 * request arriving meanwhile is taken in by the container and then waits until an upload ends.
 * That is shown with {@code turns=pool}: by default ({@code turns=container}) a request without a
 * body starts on the container's thread and is answered at once (TurnPlacementIT).
 */
class SlowUploadIT {

    private static final int UPLOADS = 200;
    private static final int PIECES = 12;
    private static final int PIECE_BYTES = 8;
    /** Between two pieces of every upload: the slow client is the scenario (12 pieces, about a second). */
    private static final long PAUSE_MILLIS = 75;
    private static final int STREAM_THREADS = 4;

    private static final Path spillDir = createSpillDir();
    private static final CountingApp bufferedUploads = new CountingApp(new UploadDigestApp());
    private static final Router buffered = new Router();
    private static final Router streamed = new Router();
    private static final AtomicInteger streamReaders = new AtomicInteger();
    private static final List<String> streamEvents = Collections.synchronizedList(new ArrayList<>());
    private static final JwsgiServlet streamServlet = new JwsgiServlet(streamed);

    static {
        buffered.put("/upload", bufferedUploads);
        buffered.put("/hello", Router.text("hello\n"));
        streamed.put("/upload", (environ, startResponse) -> {
            streamReaders.incrementAndGet();
            Iterable<byte[]> answer = new UploadDigestApp().call(environ, startResponse);
            streamEvents.add("upload read");
            return answer;
        });
        streamed.put("/hello", (environ, startResponse) -> {
            streamEvents.add("hello");
            return Router.text("hello\n").call(environ, startResponse);
        });
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .maxThreads(24)
            .servlet("", "/buffer/*", new JwsgiServlet(buffered), "input", "buffer", "pool-size", "4",
                    "buffer-memory", "64", "buffer-dir", spillDir.toString())
            .servlet("", "/stream/*", streamServlet, "pool-size", Integer.toString(STREAM_THREADS), "turns", "pool"));

    private static Path createSpillDir() {
        try {
            return Files.createTempDirectory("jwsgi-slow");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the spill directory", e);
        }
    }

    @AfterAll
    static void removeSpillDir() throws IOException {
        Uploads.deleteTree(spillDir);
    }

    @Test
    void twoHundredSlowUploadsInBufferModeHoldNoThreadAndAHelloIsAnsweredWhileTheyArrive() throws Exception {
        List<RawConnection> connections = new ArrayList<>(UPLOADS);
        try {
            // given 200 uploads on their own connections, half sized and half chunked, all trickling in
            byte[][] bodies = new byte[UPLOADS][];
            for (int i = 0; i < UPLOADS; i++) {
                bodies[i] = Uploads.randomBytes(PIECES * PIECE_BYTES, i);
                connections.add(RawConnection.open(server.port()).send(Uploads.post("/buffer/upload",
                        i % 2 == 0 ? "Content-Length: " + bodies[i].length : "Transfer-Encoding: chunked")));
            }
            CountDownLatch helloAnswered = new CountDownLatch(1);
            Trickler trickler = new Trickler(connections, bodies, helloAnswered);
            trickler.start();
            Await.until("two pieces of every upload sent on " + server.name(), () -> trickler.rounds.get() >= 2);

            // when a hello comes while they trickle
            try (RawConnection hello = RawConnection.open(server.port())) {
                RawResponse response = hello.get("/buffer/hello").readResponse();
                assertThat(response.status() + " " + response.text()).as("hello during %d slow uploads on %s",
                        UPLOADS, server.name()).isEqualTo("200 hello\n");
            }

            // then it was answered while every upload was still arriving (their last pieces wait for it)
            assertThat(trickler.rounds.get()).as("pieces sent when the hello was answered on %s", server.name())
                    .isLessThan(PIECES);
            assertThat(bufferedUploads.calls()).as("uploads handed to the application before their end on %s",
                    server.name()).isZero();

            // when the uploads end, then each is answered with its own length and digest
            helloAnswered.countDown();
            trickler.join(Await.DEADLINE.toMillis());
            assertThat(trickler.failure.get()).as("trickling the uploads on %s", server.name()).isNull();
            List<String> expected = new ArrayList<>();
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                expected.add("200 " + UploadDigestApp.expected(Integer.toString(bodies[i].length), bodies[i]));
                RawResponse response = connections.get(i).readResponse();
                answers.add(response.status() + " " + response.text());
            }
            assertThat(answers).as("answers to the slow uploads on %s", server.name()).isEqualTo(expected);
        } finally {
            for (RawConnection c : connections) {
                c.close();
            }
        }
        Await.until("no spill file left on " + server.name(), () -> Uploads.filesIn(spillDir).isEmpty());
    }

    @Test
    void inStreamModeAsManySlowUploadsAsThreadsMakeAHelloWaitUntilOneEnds() throws Exception {
        List<RawConnection> uploads = new ArrayList<>();
        try {
            // given as many slow uploads as the stream servlet has threads, each application blocked reading
            byte[] upload = Uploads.randomBytes(2 * PIECE_BYTES, 7);
            for (int i = 0; i < STREAM_THREADS; i++) {
                uploads.add(RawConnection.open(server.port())
                        .send(Uploads.post("/stream/upload", "Content-Length: " + upload.length))
                        .send(Arrays.copyOf(upload, PIECE_BYTES)));
            }
            Await.until("every stream thread reading on " + server.name(), () -> streamReaders.get() == STREAM_THREADS);

            try (RawConnection hello = RawConnection.open(server.port())) {
                // when a hello comes, and the container hands it to the bridge
                hello.get("/stream/hello");
                Await.until("the hello in the bridge on " + server.name(),
                        () -> streamServlet.engine().inFlight() == STREAM_THREADS + 1);

                // then it is not answered while every thread is held by a reader
                assertThat(hello.silentFor(Duration.ofMillis(500))).as("hello answered while every thread reads on %s",
                        server.name()).isTrue();

                // when one upload ends, then the hello is answered, only after that upload was read
                uploads.get(0).send(Arrays.copyOfRange(upload, PIECE_BYTES, upload.length));
                RawResponse response = hello.readResponse();
                assertThat(response.status() + " " + response.text()).as("hello after an upload ended on %s",
                        server.name()).isEqualTo("200 hello\n");
                assertThat(List.copyOf(streamEvents)).as("order of events on %s", server.name())
                        .startsWith("upload read", "hello");
            }

            // and the other uploads, once they end, are answered too
            List<String> answers = new ArrayList<>();
            for (RawConnection conn : uploads) {
                if (conn != uploads.get(0)) {
                    conn.send(Arrays.copyOfRange(upload, PIECE_BYTES, upload.length));
                }
                answers.add(conn.readResponse().text());
            }
            assertThat(answers).as("answers to the stream uploads on %s", server.name())
                    .containsOnly(UploadDigestApp.expected(Integer.toString(upload.length), upload));
        } finally {
            for (RawConnection c : uploads) {
                c.close();
            }
        }
    }

    /** Sends every upload a piece at a time, all of them each round; the last round waits for the hello. */
    private static final class Trickler extends Thread {
        private final List<RawConnection> connections;
        private final byte[][] bodies;
        private final CountDownLatch helloAnswered;
        final AtomicInteger rounds = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Trickler(List<RawConnection> connections, byte[][] bodies, CountDownLatch helloAnswered) {
            super("test-trickler");
            this.connections = connections;
            this.bodies = bodies;
            this.helloAnswered = helloAnswered;
        }

        @Override
        public void run() {
            try {
                for (int round = 0; round < PIECES; round++) {
                    if (round == PIECES - 1 && !helloAnswered.await(Await.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                        throw new AssertionError("the hello was not answered within " + Await.DEADLINE);
                    }
                    for (int i = 0; i < connections.size(); i++) {
                        send(i, Arrays.copyOfRange(bodies[i], round * PIECE_BYTES, (round + 1) * PIECE_BYTES),
                                round == PIECES - 1);
                    }
                    rounds.incrementAndGet();
                    if (round < PIECES - 2) {
                        Thread.sleep(PAUSE_MILLIS);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        private void send(int i, byte[] piece, boolean last) throws IOException {
            RawConnection conn = connections.get(i);
            if (i % 2 == 0) {
                conn.send(piece);
            } else {
                conn.send(Uploads.chunk(piece));
                if (last) {
                    conn.send(Uploads.LAST_CHUNK);
                }
            }
        }
    }
}
