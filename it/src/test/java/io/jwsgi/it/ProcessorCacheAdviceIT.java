package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Tomcat connector left at Tomcat's default {@code processorCache} (200) is named in a warning
 * when the servlet starts, with its port and the value expected; on Jetty nothing is said. The
 * other tests run Tomcat with {@code processorCache="0"}, as README advises.
 */
class ProcessorCacheAdviceIT {

    // Installed before the server starts, so that the servlet's start is seen.
    private static final LogCapture log = LogCapture.install();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .tomcatConnector("processorCache", "200")
            .servlet("", "/*", new JwsgiServlet(Router.text("hello\n"))));

    @AfterAll
    static void release() {
        log.close();
    }

    @Test
    void theServletNamesATomcatConnectorThatReusesProcessorsAtStart() throws IOException {
        // given the servlet started (its first request at the latest)
        try (RawConnection conn = RawConnection.open(server.port())) {
            assertThat(conn.get("/").readResponse().status()).as("status on %s", server.name()).isEqualTo(200);
        }

        // then on Tomcat a warning names the connector by its port, its value and the value expected
        if (server.name().startsWith("tomcat")) {
            assertThat(log.lines()).as("warnings on %s", server.name()).anyMatch(line -> line.startsWith("WARNING")
                    && line.contains("port " + server.port() + " (processorCache=200)")
                    && line.contains("Expected processorCache=\"0\""));
        } else {
            assertThat(log.lines()).as("warnings on %s", server.name()).noneMatch(line -> line.contains("processorCache"));
        }
    }
}
