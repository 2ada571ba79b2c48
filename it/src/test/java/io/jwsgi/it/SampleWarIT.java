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
}
