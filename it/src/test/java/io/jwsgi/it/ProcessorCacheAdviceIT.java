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
 * the first servlet starts, with its port and the setting that prevents Tomcat's race, once for
 * all the servlets of the JVM; on Jetty nothing is said.
 */
class ProcessorCacheAdviceIT {

    // Installed before the server starts, so that the servlet's start is seen.
    private static final LogCapture log = LogCapture.install(Level.INFO);

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .tomcatConnector("processorCache", "200")
            .servlet("", "/*", new JwsgiServlet(Router.text("hello\n")))
            .servlet("", "/second/*", new JwsgiServlet(Router.text("second\n")))
            .servlet("/other", "/*", new JwsgiServlet(Router.text("other\n"))));

    @AfterAll
    static void release() {
        log.close();
    }

    @Test
    void theConnectorIsNamedOnceWhateverTheNumberOfServlets() throws IOException {
        // given the three servlets started (their first request at the latest)
        for (String path : new String[] {"/", "/second/", "/other/"}) {
            try (RawConnection conn = RawConnection.open(server.port())) {
                assertThat(conn.get(path).readResponse().status()).as("status of %s on %s", path, server.name())
                        .isEqualTo(200);
            }
        }

        // then on Tomcat one short notice names the connector by its port and value, and the setting that prevents the race
        if (server.name().startsWith("tomcat")) {
            assertThat(log.lines()).as("log on %s", server.name())
                    .filteredOn(line -> line.contains("processorCache")).singleElement().asString()
                    .startsWith("INFO")
                    .contains("port " + server.port() + " (processorCache=200)", "processorCache=\"0\" on the <Connector>",
                            "docs/tomcat.md");
        } else {
            assertThat(log.lines()).as("log on %s", server.name()).noneMatch(line -> line.contains("processorCache"));
        }
    }
}
