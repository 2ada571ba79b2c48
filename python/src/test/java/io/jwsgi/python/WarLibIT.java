package io.jwsgi.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test web application with the bridge, this module and GraalPy in its own WEB-INF/lib, on
 * Tomcat 11 and Jetty 12: the way a WAR ships them. This JVM's classpath holds only the containers
 * and the tests (the build's war-lib execution).
 */
class WarLibIT {

    @Test
    void pythonFromWebInfLibServesOnBothContainers() throws Exception {
        assertThatThrownBy(() -> Class.forName("org.graalvm.polyglot.Context"))
                .as("GraalPy on the test's own classpath would make this test prove nothing")
                .isInstanceOf(ClassNotFoundException.class);
        try (HttpClient client = HttpClient.newHttpClient()) {
            for (String container : List.of("tomcat", "jetty")) {
                WebServer server = container.equals("tomcat") ? WebServer.tomcat(WebServer.webapp())
                        : WebServer.jetty(WebServer.webapp());
                try {
                    HttpResponse<String> demo = client.send(HttpRequest.newBuilder(server.uri("/demo")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(demo.statusCode()).as("demo_app from WEB-INF/lib on %s", container).isEqualTo(200);
                    assertThat(demo.body()).startsWith("Hello world!").contains("PATH_INFO = '/demo'");
                    String judge = client.send(HttpRequest.newBuilder(server.uri("/judge")).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    assertThat(judge).as("wsgiref.validate on %s", container).contains("\"failures\": []");
                } finally {
                    server.stop();
                }
            }
        }
    }
}
