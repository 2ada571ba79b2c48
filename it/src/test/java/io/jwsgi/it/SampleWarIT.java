package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sample WAR, as built by the sample-war module, deployed on the container under test. */
class SampleWarIT {

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().sampleWar(""));

    @Test
    void deployedSampleWarServesHelloWorld() throws Exception {
        // given the WAR deployed at the root context
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // when its hello application is requested
        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(server.uri("/hello")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        // then the hello application answers
        assertThat(response.statusCode()).as("status from the WAR on %s", server.name()).isEqualTo(200);
        assertThat(response.body()).as("body from the WAR on %s", server.name()).isEqualTo("Hello, world\n");
    }

    @Test
    void indexServesTheLiveFiguresOfItsServletsFromJmx() throws Exception {
        // given the WAR deployed at the root context, and a request served by its hello servlet
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        client.send(HttpRequest.newBuilder(server.uri("/hello")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        // when the index's metrics.json is requested (the hello servlet counts its response as it completes it)
        java.util.regex.Pattern helloDone = java.util.regex.Pattern.compile("\"name\": \"hello\", \"Open\": 0, [^}]*\"Completed\": 1,");
        String[] seen = new String[1];
        Await.until(() -> "hello counted in metrics.json on " + server.name() + ": " + seen[0], () -> {
            seen[0] = fetch(client, "/metrics.json");
            return helloDone.matcher(seen[0]).find();
        });

        // then it lists the index and hello servlets of the root context, the hello one with its bytes
        assertThat(seen[0]).as("metrics.json on %s", server.name())
                .startsWith("200 {\"context\": \"/\"").contains("\"name\": \"index\"")
                .containsPattern("\"name\": \"hello\", \"Open\": 0, [^}]*\"Completed\": 1, [^}]*\"BytesWritten\": 13,");
    }

    private static String fetch(HttpClient client, String path) {
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + path, e);
        }
    }
}
