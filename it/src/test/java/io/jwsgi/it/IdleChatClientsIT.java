package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Five hundred idle chat clients of the sample WAR, half event streams and half long-polls, on a
 * container with 24 request threads: while all are held the front page still answers and the JVM
 * runs fewer threads than there are clients, so none holds a thread; then one post reaches them all.
 */
class IdleChatClientsIT {

    private static final int STREAMS = 250;
    private static final int POLLS = 250;
    private static final int CONTAINER_THREADS = 24;

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(
            new Deployment().maxThreads(CONTAINER_THREADS).sampleWar(""));

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void fiveHundredIdleClientsHoldNoThreadAndAllReceiveOnePost() throws Exception {
        String frontPage = get("/");
        List<EventStreamClient> streams = new ArrayList<>(STREAMS);
        List<RawConnection> polls = new ArrayList<>(POLLS);
        try {
            // given event streams, each registered with the room: its opening comment has come
            for (int i = 0; i < STREAMS; i++) {
                streams.add(new EventStreamClient(RawConnection.open(server.port()).get("/chat/events")));
            }
            for (EventStreamClient stream : streams) {
                stream.awaitOpening();
            }
            // and long-polls waiting for the room's first message
            for (int i = 0; i < POLLS; i++) {
                polls.add(RawConnection.open(server.port()).get("/chat/poll?after=0"));
            }

            // when the front page is asked for while all are held, then it answers as before
            assertThat(get("/")).as("the front page with %d idle chat clients on %s", STREAMS + POLLS, server.name())
                    .isEqualTo(frontPage);
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount())
                    .as("live threads in the JVM serving %d idle chat clients on %s (%d container threads)",
                            STREAMS + POLLS, server.name(), CONTAINER_THREADS)
                    .isLessThan(STREAMS + POLLS);

            // when one message is posted, then every event stream and every long-poll receives it
            String message = post("{\"name\":\"Ada\",\"text\":\"hello, all five hundred\"}");
            assertEveryClientReceived(message, streams, polls);
        } finally {
            for (RawConnection poll : polls) {
                poll.close();
            }
            for (EventStreamClient stream : streams) {
                stream.connection.reset();
            }
        }
        // A last post wakes the streams, whose writes then fail: the server lets go of them before it stops.
        post("{\"name\":\"Ada\",\"text\":\"bye\"}");
    }

    @Test // #14
    void stoppingTheContainerWithIdleEventStreamsOpenCutsThemAndReturns() throws Exception {
        // given a second container of the sample with idle event streams whose clients stay connected
        Container other = Container.start(new Deployment().maxThreads(CONTAINER_THREADS).sampleWar(""));
        List<EventStreamClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS / 5; i++) {
                streams.add(new EventStreamClient(RawConnection.open(other.port()).get("/chat/events")));
            }
            for (EventStreamClient stream : streams) {
                stream.awaitOpening();
            }

            // when the container stops, on a thread of its own so that a hang fails the test
            Thread stopper = new Thread(() -> {
                try {
                    other.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "stopper");
            stopper.start();
            stopper.join(Await.DEADLINE.toMillis());

            // then it returned, and every stream's connection was closed without a chunked end
            assertThat(stopper.isAlive()).as("container stop still running after %s on %s", Await.DEADLINE, Container.name())
                    .isFalse();
            List<Boolean> cut = new ArrayList<>();
            for (EventStreamClient stream : streams) {
                cut.add(!stream.connection.readRestOfChunkedBody());
            }
            assertThat(cut).as("streams cut at stop on %s", Container.name()).containsOnly(true);
        } finally {
            for (EventStreamClient stream : streams) {
                stream.connection.close();
            }
        }
    }

    private static void assertEveryClientReceived(String message, List<EventStreamClient> streams,
            List<RawConnection> polls) throws IOException {
        List<String> received = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (EventStreamClient stream : streams) {
            received.add(stream.nextEvent());
            expected.add("id: 1\ndata: " + message + "\n\n");
        }
        for (RawConnection poll : polls) {
            RawResponse answer = poll.readResponse();
            received.add(answer.status() + " " + answer.text());
            expected.add("200 {\"messages\":[" + message + "]}");
        }
        assertThat(received).as("what each idle client received on %s", server.name()).isEqualTo(expected);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri(path)).timeout(Await.DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of GET %s on %s", path, server.name()).isEqualTo(200);
        return response.body();
    }

    private String post(String json) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/chat/messages"))
                .timeout(Await.DEADLINE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of a post on %s; body %s", server.name(), response.body())
                .isEqualTo(201);
        return response.body();
    }

    /** One {@code GET /chat/events} read as a browser's {@code EventSource} would, event by event. */
    private static final class EventStreamClient {
        private final RawConnection connection;
        private final StringBuilder pending = new StringBuilder();

        EventStreamClient(RawConnection connection) {
            this.connection = connection;
        }

        /** Reads the head and the opening comment, which the stream sends once it is registered. */
        void awaitOpening() throws IOException {
            int status = connection.readHead();
            assertThat(status).as("status of an event stream").isEqualTo(200);
            String opening = nextBlock();
            assertThat(opening).as("an event stream's opening").isEqualTo("retry: 2000\n: connected\n\n");
        }

        /** The next block holding data, skipping comments such as heartbeats. */
        String nextEvent() throws IOException {
            for (String block = nextBlock(); ; block = nextBlock()) {
                if (block.contains("data:")) {
                    return block;
                }
            }
        }

        private String nextBlock() throws IOException {
            int end;
            while ((end = pending.indexOf("\n\n")) < 0) {
                byte[] chunk = connection.readChunk();
                if (chunk.length == 0) {
                    throw new IOException("the event stream ended; unread: " + pending);
                }
                pending.append(new String(chunk, StandardCharsets.UTF_8));
            }
            String block = pending.substring(0, end + 2);
            pending.delete(0, end + 2);
            return block;
        }
    }
}
