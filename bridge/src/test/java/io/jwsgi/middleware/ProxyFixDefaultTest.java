package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.testing.MockContainer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Pipeline.with(ProxyFix::new)}: like the other middleware, trusting a proxy on the same host only. */
class ProxyFixDefaultTest {

    private final AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    private final Application app = (env, start) -> {
        seen.set(env);
        start.start("204 No Content", List.of());
        return List.of();
    };

    @ParameterizedTest(name = "from {0}: REMOTE_ADDR {1}, scheme {2}") // #17
    @CsvSource({
            "127.0.0.1,   198.51.100.7, https",
            "127.9.8.7,   198.51.100.7, https",
            "::1,         198.51.100.7, https",
            "10.0.0.5,    10.0.0.5,     http",
            "192.0.2.66,  192.0.2.66,   http",
            "::2,         ::2,          http"})
    void theDefaultTrustsLoopbackOnlyWithOneHopOfForAndProto(String peer, String remoteAddr, String scheme) {
        // given
        Application fixed = Pipeline.of(app).with(ProxyFix::new);

        // when
        MockContainer.of(fixed).get("/").environ(Environ.REMOTE_ADDR, peer)
                .header("X-Forwarded-For", "203.0.113.1, 198.51.100.7")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "example.com")
                .send();

        // then
        assertThat(List.of(seen.get().get(Environ.REMOTE_ADDR), seen.get().get(Environ.WSGI_URL_SCHEME),
                seen.get().get("HTTP_HOST"))).as("REMOTE_ADDR, scheme, host").containsExactly(remoteAddr, scheme,
                "localhost");
    }
}
