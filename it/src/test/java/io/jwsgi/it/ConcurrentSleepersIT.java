package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sleeping responses hold no thread: a thousand of them on two dozen container threads. */
class ConcurrentSleepersIT {

    private static final int SLEEPERS = 1000;
    private static final Sleepers sleepers = new Sleepers();
    private static final Router router = new Router();

    static {
        router.put("/sleep", sleepers);
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .maxThreads(24)
            .servlet("", "/*", new JwsgiServlet(router), "pool-size", "4"));

    @Test
    void thousandSleepingRequestsAreServedByAFewThreadsAndAllWake() throws Exception {
        // given a thousand requests on their own connections, each going to sleep
        List<RawConnection> connections = new ArrayList<>(SLEEPERS);
        try {
            for (int i = 0; i < SLEEPERS; i++) {
                connections.add(RawConnection.open(server.port()).get("/sleep?" + i));
            }
            // 24 container threads and 4 application threads could not get here if sleepers held threads
            Await.until(SLEEPERS + " requests asleep on " + server.name(), () -> sleepers.asleep().size() == SLEEPERS);

            // when another request comes while they sleep, then it is answered
            try (RawConnection hello = RawConnection.open(server.port())) {
                RawResponse response = hello.get("/hello").readResponse();
                assertThat(response.text()).as("hello while %d sleep on %s", SLEEPERS, server.name()).isEqualTo("hello\n");
            }

            // when a foreign thread wakes them all
            Thread waker = new Thread(() -> sleepers.asleep().values().forEach(Runnable::run), "test-waker");
            waker.start();

            // then every one answers with its own body
            List<String> expected = new ArrayList<>();
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < SLEEPERS; i++) {
                expected.add("200 woke " + i + "\n");
                RawResponse response = connections.get(i).readResponse();
                bodies.add(response.status() + " " + response.text());
            }
            assertThat(bodies).as("responses of the woken sleepers on %s", server.name()).isEqualTo(expected);
            waker.join(Await.DEADLINE.toMillis());
        } finally {
            for (RawConnection c : connections) {
                c.close();
            }
        }
        Await.until("every body closed on " + server.name(), () -> sleepers.closes() == SLEEPERS);
    }
}
