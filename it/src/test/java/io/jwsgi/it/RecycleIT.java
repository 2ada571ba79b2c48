package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that leaves in the middle of a fast stream must not disturb the next client. Tomcat
 * recycles a request's objects for the next connection as soon as it ends an exchange after an
 * error; a bridge write racing that ending once cut the next, unrelated response.
 */
class RecycleIT {

    private static final Router ROUTER = new Router();

    static {
        ROUTER.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(ROUTER)));

    @Test
    void clientLeavingMidStreamDoesNotDisturbTheNextConnection() throws Exception {
        for (int round = 0; round < 100; round++) {
            // given an endless stream the client reads one chunk of, then leaves
            ProbeBody body = new ProbeBody(i -> new byte[8192]);
            String path = ROUTER.put("/endless-" + round, (env, start) -> {
                start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream")));
                return body;
            });
            try (RawConnection conn = RawConnection.open(server.port())) {
                conn.get(path);
                conn.readHead();
                conn.readChunk();
            }

            // when the next client asks on a new connection
            RawResponse next;
            try (RawConnection conn = RawConnection.open(server.port())) {
                next = conn.get("/hello").readResponse();
            }

            // then it gets its whole answer
            assertThat(next.status() + " " + next.text()).as("round %d on %s", round, server.name())
                    .isEqualTo("200 hello\n");
        }
    }
}
