package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.servlet.JwsgiServlet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stopping the container ends the responses still in flight, closing their iterables once. */
class ShutdownIT {

    @Test
    void stoppingTheContainerEndsSleepingResponses() throws Exception {
        // given a container with a response asleep
        OneSleeper app = new OneSleeper(List.of(), i -> ProbeBody.END);
        JwsgiServlet servlet = new JwsgiServlet(app);
        Container container = Container.start(new Deployment().servlet("", "/*", servlet, "shutdown-grace", "5000"));
        boolean stopped = false;
        try (RawConnection conn = RawConnection.open(container.port())) {
            conn.get("/sleeping");
            assertThat(app.awaitAsleep()).as("asleep on %s", Container.name()).isTrue();

            // when the container stops
            container.stop();
            stopped = true;

            // then the response is ended, its iterable closed once, and the client let go
            assertThat(app.body().awaitClose()).as("iterable closed at shutdown on %s", Container.name()).isTrue();
            assertThat(servlet.engine().inFlight()).as("responses left on %s", Container.name()).isZero();
            assertThat(app.body().closes()).as("close() calls on %s", Container.name()).isEqualTo(1);
            assertThat(conn.awaitServerClose()).as("connection closed on %s", Container.name()).isTrue();
        } finally {
            if (!stopped) {
                container.stop();
            }
        }
    }
}
