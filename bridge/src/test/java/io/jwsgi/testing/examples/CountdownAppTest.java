package io.jwsgi.testing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import org.junit.jupiter.api.Test;

class CountdownAppTest {

    private final CountdownApp app = new CountdownApp();

    @Test
    void streamsOneLinePerChunkAndClosesTheStream() {
        MockResponse response = MockContainer.of(app).get("/countdown?from=3").send();

        assertThat(response.textChunks()).containsExactly("3\n", "2\n", "1\n", "liftoff\n");
        assertThat(response.closeCount()).isEqualTo(1);
        assertThat(app.openStreams()).isZero();
    }

    @Test
    void slowClientGetsOneChunkAtATime() {
        // given a client that takes one chunk, then stops reading
        MockExchange exchange = MockContainer.of(app).get("/countdown?from=3").clientTakes(1).start();

        // then the next chunk waits for the client, and no thread is held meanwhile
        assertThat(exchange.takeText()).isEqualTo("3\n");
        assertThat(exchange.isAwaitingClient()).isTrue();

        // when the client reads again, the rest follows
        exchange.clientReady();
        assertThat(exchange.awaitDone().text()).isEqualTo("3\n2\n1\nliftoff\n");
    }

    @Test
    void clientLeavingMidStreamClosesTheStream() {
        MockExchange exchange = MockContainer.of(app).get("/countdown?from=3").clientTakes(1).start();
        assertThat(exchange.takeText()).isEqualTo("3\n");

        exchange.disconnect();

        assertThat(exchange.closeCount()).isEqualTo(1);
        assertThat(app.openStreams()).isZero();
    }
}
