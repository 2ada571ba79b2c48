package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two Jetty nodes, each serving the sample WAR with the context-param {@code chat.redis} naming
 * one real {@code redis-server}, share one chat room: a long-poll held on node A is answered by a
 * message posted to node B, woken through Redis pub/sub.
 *
 * <p>Runs in the {@code jetty} execution only: the Redis bus is the WAR's own code and does not
 * depend on the container, which every other *IT already covers three times. Without a
 * {@code redis-server} binary the test is skipped, naming the package, or fails with
 * {@code -Djwsgi.require-tools=true} ({@code .ci/run} installs it and sets that).
 */
@EnabledIfSystemProperty(named = Container.PROPERTY, matches = "jetty")
class ChatAcrossNodesIT {

    /** The sample's long-poll answers an empty list after this long: an answer before it was woken. */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(25);
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

    private static RedisServer redis;
    private static Container nodeA;
    private static Container nodeB;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startNodes() throws Exception {
        redis = RedisServer.start();
        Deployment withRedis = new Deployment().contextParam("chat.redis", redis.uri().toString()).sampleWar("");
        nodeA = Container.start(withRedis);
        nodeB = Container.start(withRedis);
    }

    @AfterAll
    static void stopNodes() throws Exception {
        try {
            for (Container node : new Container[] {nodeA, nodeB}) {
                if (node != null) {
                    node.stop();
                }
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    @Test
    void longPollHeldOnOneNodeIsAnsweredByAPostToTheOther() throws Exception {
        // given a message posted to node B, which node A's history shows
        String first = post(nodeB, "{\"name\":\"Ada\",\"text\":\"posted to node B\"}");
        long firstId = id(first);
        assertThat(get(nodeA, "/chat/messages")).as("node A's history after a post to node B")
                .isEqualTo("{\"messages\":[" + first + "]}");

        try (RedisServer.Monitor monitor = redis.monitor(); RawConnection poll = RawConnection.open(nodeA.port())) {
            // and a long-poll on node A for what comes after it, seen reading the history and finding nothing
            poll.get("/chat/poll?after=" + firstId);
            monitor.await("node A's long-poll reading the history after id " + firstId,
                    "zrange", "jwsgi:chat:history", "(" + firstId);
            long held = System.nanoTime();

            // when a second message is posted to node B
            String second = post(nodeB, "{\"name\":\"Grace\",\"text\":\"woke node A\"}");

            // then the long-poll held on node A answers with it
            RawResponse answer = poll.readResponse();
            Duration waited = Duration.ofNanos(System.nanoTime() - held);
            assertThat(answer.status() + " " + answer.text()).as("node A's long-poll answer")
                    .isEqualTo("200 {\"messages\":[" + second + "]}");
            assertThat(waited).as("the long-poll's wait: woken through Redis, not ended by its own %d s timeout",
                    POLL_TIMEOUT.toSeconds()).isLessThan(POLL_TIMEOUT.minusSeconds(5));
        }
    }

    private String post(Container node, String json) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(node.uri("/chat/messages"))
                .timeout(Await.DEADLINE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of a post of %s; body %s", json, response.body()).isEqualTo(201);
        return response.body();
    }

    private String get(Container node, String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(node.uri(path)).timeout(Await.DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("status of GET %s; body %s", path, response.body()).isEqualTo(200);
        return response.body();
    }

    private static long id(String messageJson) {
        Matcher m = ID.matcher(messageJson);
        assertThat(m.find()).as("a stored message starts with its id: %s", messageJson).isTrue();
        return Long.parseLong(m.group(1));
    }
}
