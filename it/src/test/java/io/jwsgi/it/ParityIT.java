package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import io.jwsgi.testing.scenarios.Scenario;
import io.jwsgi.testing.scenarios.Scenarios;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Passes in the mock" means "works in Tomcat and Jetty": every scenario of
 * {@link Scenarios#all()} is served by the mock container and by the servlet bridge on the
 * container under test, and both answers match the scenario and each other.
 */
class ParityIT {

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(
            new Deployment().servlet("", "/*", new JwsgiServlet(Scenarios.router())));

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static List<Scenario> scenarios() {
        return Scenarios.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void mockAndContainerGiveTheSameAnswer(Scenario scenario) throws Exception {
        // given the scenario served by the mock container
        MockContainer mock = MockContainer.of(Scenarios.router());
        if (!scenario.valid()) {
            mock.withoutValidator();
        }
        MockResponse expected = scenario.request(mock).send();

        // when the same request goes to the bridge on a real container
        HttpResponse<byte[]> real = CLIENT.send(request(scenario), HttpResponse.BodyHandlers.ofByteArray());

        // then status, body and the application's headers agree with the mock and the scenario
        String body = new String(real.body(), StandardCharsets.UTF_8);
        assertThat(real.statusCode()).as("status of %s on %s", scenario, server.name())
                .isEqualTo(expected.status()).isEqualTo(scenario.status());
        assertThat(body).as("body of %s on %s", scenario, server.name())
                .isEqualTo(expected.text()).isEqualTo(scenario.body());
        for (Header header : scenario.headers()) {
            List<String> values = real.headers().allValues(header.name()).stream().map(ParityIT::normalized).toList();
            assertThat(values).as("header %s of %s on %s", header.name(), scenario, server.name())
                    .contains(normalized(header.value()));
        }
    }

    private static HttpRequest request(Scenario scenario) {
        HttpRequest.BodyPublisher publisher = scenario.requestBody() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(scenario.requestBody(), StandardCharsets.UTF_8);
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri(scenario.target()))
                .timeout(Duration.ofSeconds(30)).method(scenario.method(), publisher);
        for (Header header : scenario.requestHeaders()) {
            builder.header(header.name(), header.value());
        }
        return builder.build();
    }

    /** Tomcat writes {@code text/plain;charset=UTF-8} for {@code text/plain; charset=utf-8}. */
    private static String normalized(String value) {
        return value.replace(" ", "").toLowerCase(Locale.ROOT);
    }
}
