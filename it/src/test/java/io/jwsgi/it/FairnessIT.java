package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A response that never waits on its client takes turns with other requests when application threads are scarce. */
class FairnessIT {

    private static final Router router = new Router();

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(router), "pool-size", "1"));

    @Test
    void busyIterableDoesNotStarveOtherRequestsOfTheOnlyThread() throws Exception {
        // given an iterable yielding empty chunks as fast as it is pulled (so the output never says
        // "not ready") on the servlet's only application thread, until the test stops it
        AtomicBoolean stop = new AtomicBoolean();
        ProbeBody body = new ProbeBody(i -> stop.get() ? ProbeBody.END : new byte[0]);
        String path = router.put("/busy", (env, sr) -> {
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return body;
        });
        try (RawConnection busy = RawConnection.open(server.port())) {
            busy.get(path);
            Await.until("the busy iterable pulled on " + server.name(), () -> body.pulls() > 1000);

            // when another request comes, then it gets the thread between two turns of the busy one
            try (RawConnection other = RawConnection.open(server.port())) {
                assertThat(other.get("/hello").readResponse().text()).as("hello beside a busy iterable on %s",
                        server.name()).isEqualTo("hello\n");
            }

            // and the busy one, once it ends, completes normally
            stop.set(true);
            RawResponse response = busy.readResponse();
            assertThat(response.status() + " " + response.text()).as("busy response on %s", server.name()).isEqualTo("200 ");
        }
        assertThat(body.awaitClose()).as("busy body closed on %s", server.name()).isTrue();
    }
}
