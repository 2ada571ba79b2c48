package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.app.AsyncBody;
import io.jwsgi.app.SseStream;
import io.jwsgi.middleware.AccessLog;
import io.jwsgi.middleware.Dispatcher;
import io.jwsgi.middleware.ErrorPages;
import io.jwsgi.middleware.Gzip;
import io.jwsgi.middleware.Head;
import io.jwsgi.middleware.Pipeline;
import io.jwsgi.middleware.ProxyFix;
import io.jwsgi.middleware.StaticFiles;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every middleware stacked around a long-poll application and an event stream, on a real
 * container: chunks still reach the client one by one, and close() reaches the application once.
 */
class MiddlewareStackIT {

    private static final BlockingQueue<AsyncBody> polls = new LinkedBlockingQueue<>();
    private static final BlockingQueue<SseStream> streams = new LinkedBlockingQueue<>();
    private static final AtomicInteger closed = new AtomicInteger();
    private static final List<String> accessLog = new CopyOnWriteArrayList<>();
    private static final Path files = staticFiles();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(stack())));

    private static Application stack() {
        Application poll = (environ, startResponse) -> {
            AsyncBody body = AsyncBody.of(environ);
            body.onClose(closed::incrementAndGet);
            startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain; charset=utf-8")));
            polls.add(body);
            return body;
        };
        Application events = (environ, startResponse) -> {
            SseStream stream = SseStream.start(environ, startResponse);
            stream.onClose(closed::incrementAndGet);
            streams.add(stream);
            return stream;
        };
        Application site = Dispatcher.builder().mount("/poll", poll).mount("/events", events)
                .mount("/static", StaticFiles.directory(files)).build();
        return Pipeline.of(site)
                .with(Head::new)
                .with(Gzip::new)
                .with(ErrorPages::new)
                .with(a -> new AccessLog(a, AccessLog.Format.COMMON, (line, environ) -> accessLog.add(line)))
                .with(ProxyFix.trusting("127.0.0.1", "::1"));
    }

    private static Path staticFiles() {
        try {
            Path dir = Files.createTempDirectory("jwsgi-static");
            Files.writeString(dir.resolve("notes.txt"), "0123456789abcdef");
            dir.toFile().deleteOnExit();
            dir.resolve("notes.txt").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void gzippedLongPollArrivesBlockByBlockAndClosesOnce() throws Exception {
        int closedBefore = closed.get();
        try (RawConnection conn = RawConnection.open(server.port())) {
            // given a long poll asked through the whole stack, with gzip, from behind a proxy
            conn.get("/poll/room-1", "Accept-Encoding: gzip", "X-Forwarded-For: 198.51.100.7");
            AsyncBody body = polls.poll(30, TimeUnit.SECONDS);
            assertThat(body).as("the poll started on %s", server.name()).isNotNull();

            // when a message arrives, then exactly its block reaches the client, decodable at once
            body.offer(bytes("alice: hi\n"));
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.writeBytes(conn.readChunk());
            assertThat(gunzipPrefix(received.toByteArray())).as("first message on %s", server.name())
                    .isEqualTo("alice: hi\n");

            body.offer(bytes("bob: hello\n"));
            received.writeBytes(conn.readChunk());
            assertThat(gunzipPrefix(received.toByteArray())).as("second message on %s", server.name())
                    .isEqualTo("alice: hi\nbob: hello\n");

            // when the poll ends
            body.end();
            for (byte[] chunk = conn.readChunk(); chunk.length > 0; chunk = conn.readChunk()) {
                received.writeBytes(chunk);
            }
            assertThat(gunzip(received.toByteArray())).isEqualTo("alice: hi\nbob: hello\n");
        }
        Await.until("close() reached the poll", () -> closed.get() == closedBefore + 1);
        Await.until("the access log line", () -> accessLog.stream().anyMatch(l -> l.contains("/poll/room-1")));
        assertThat(accessLog).filteredOn(l -> l.contains("/poll/room-1")).singleElement().asString()
                .as("the client's address through ProxyFix on %s", server.name()).startsWith("198.51.100.7 - - [")
                .contains("\"GET /poll/room-1 HTTP/1.1\" 200 ");
        assertThat(closed.get()).as("close() exactly once on %s", server.name()).isEqualTo(closedBefore + 1);
    }

    @Test
    void eventStreamThroughTheStackIsSentAsIsAndItsCloseIsSeenWhenTheClientLeaves() throws Exception {
        int closedBefore = closed.get();
        SseStream stream;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/events", "Accept-Encoding: gzip");
            assertThat(conn.readHead()).as("status on %s", server.name()).isEqualTo(200);
            assertThat(text(conn.readChunk())).as("opening comment on %s", server.name()).isEqualTo(": open\n\n");
            stream = streams.poll(30, TimeUnit.SECONDS);
            assertThat(stream).isNotNull();

            stream.send("chat", "line 1\nline 2");
            assertThat(text(conn.readChunk())).as("one event on %s", server.name())
                    .isEqualTo("event: chat\ndata: line 1\ndata: line 2\n\n");
        }
        // Containers notice a client that left only at a write: heartbeats until the close is seen.
        SseStream left = stream;
        Await.until("the stream noticed the client left", () -> {
            left.comment("ping");
            return closed.get() == closedBefore + 1;
        });
        assertThat(left.isOpen()).isFalse();
    }

    @Test
    void staticRangeAndHeadThroughTheStack() throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/static/notes.txt", "Range: bytes=-6", "Accept-Encoding: gzip");
            RawResponse partial = conn.readResponse();
            assertThat(partial.status()).as("206 on %s", server.name()).isEqualTo(206);
            assertThat(partial.text()).isEqualTo("abcdef");
            assertThat(partial.header("Content-Range")).isEqualTo("bytes 10-15/16");
        }
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.send("HEAD /static/notes.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            RawResponse head = conn.readResponse();
            assertThat(head.status()).as("HEAD on %s", server.name()).isEqualTo(200);
            assertThat(head.header("Content-Length")).as("the GET length on %s", server.name()).isEqualTo("16");
            assertThat(head.body()).as("no body after the head on %s", server.name()).isEmpty();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Decodes what arrived of a gzip stream; each block ends with a sync flush, so all of it decodes. */
    private static String gunzipPrefix(byte[] gzip) throws Exception {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(gzip, 10, gzip.length - 10);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = inflater.inflate(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            inflater.end();
        }
    }

    private static String gunzip(byte[] gzip) throws IOException {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
