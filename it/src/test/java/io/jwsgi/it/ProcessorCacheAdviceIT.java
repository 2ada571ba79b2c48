package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Tomcat connector at Tomcat's default {@code processorCache} (200) is named in a notice when
 * the servlet starts, with its port and the setting that prevents Tomcat's race; on Jetty nothing
 * is said.
 */
class ProcessorCacheAdviceIT {

    // Installed before the server starts, so that the servlet's start is seen.
    private static final LogCapture log = LogCapture.install(Level.INFO);

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

        // then on Tomcat a notice names the connector by its port and value, and the setting that prevents the race
        if (server.name().startsWith("tomcat")) {
            assertThat(log.lines()).as("log on %s", server.name()).anyMatch(line -> line.startsWith("INFO")
                    && line.contains("port " + server.port() + " (processorCache=200)")
                    && line.contains("processorCache=\"0\" on the <Connector>"));
        } else {
            assertThat(log.lines()).as("log on %s", server.name()).noneMatch(line -> line.contains("processorCache"));
        }
    }
}
