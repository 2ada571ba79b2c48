package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** docs/sample.md's listener registering the chat without web.xml ({@link Startup}), on a real embedded Jetty. */
class StartupExampleTest {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Server server;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void listenerRegistersTheChatAtChat() throws Exception {
        // given a context whose only setup is the listener
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new Startup());
        server.setHandler(context);
        server.start();
        URI chat = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/chat/");

        // when a message is posted, then a poll from before it answers with it
        HttpResponse<String> posted = client.send(HttpRequest.newBuilder(chat.resolve("messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"text\":\"hello\"}"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> polled = client.send(HttpRequest.newBuilder(chat.resolve("poll?after=0"))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(posted.statusCode()).as("the post: %s", posted.body()).isBetween(200, 299);
        assertThat(polled.statusCode()).isEqualTo(200);
        assertThat(polled.body()).as("the poll's answer").contains("\"text\":\"hello\"");
    }
}
