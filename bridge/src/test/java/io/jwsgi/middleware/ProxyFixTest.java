package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyFixTest {

    private final AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    private final Application app = (env, start) -> {
        seen.set(env);
        start.start("204 No Content", List.of());
        return List.of();
    };

    /** A request to {@code fix} from {@code peer}, carrying every forwarded header; the server listens on 8080. */
    private static MockRequest forwarded(Application fix, String peer) {
        return MockContainer.of(fix).get("/x").scriptName("/app")
                .environ(Environ.REMOTE_ADDR, peer)
                .environ(Environ.SERVER_PORT, "8080")
                .environ("HTTP_HOST", "internal:8080")
                .header("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "example.com")
                .header("X-Forwarded-Port", "8443")
                .header("X-Forwarded-Prefix", "/public/");
    }

    @Test
    void untrustedPeerChangesNothing() {
        // given: headers from a peer that is not a configured proxy
        MockExchange exchange = forwarded(ProxyFix.trusting("10.0.0.5").forwardedFor(1).proto(1).host(1).port(1)
                .prefix(1).wrap(app), "192.0.2.66").start();

        // when
        exchange.awaitDone();

        // then
        assertThat(seen.get()).as("the very same environ, untouched").isSameAs(exchange.environ());
        assertThat(seen.get().get(Environ.REMOTE_ADDR)).isEqualTo("192.0.2.66");
        assertThat(seen.get().get(Environ.WSGI_URL_SCHEME)).isEqualTo("http");
    }

    @Test
    void trustedPeerAppliesEachHeaderItIsConfiguredFor() {
        // when
        forwarded(ProxyFix.trusting("10.0.0.5").forwardedFor(1).proto(1).host(1).port(1).prefix(1).wrap(app),
                "10.0.0.5").send();

        // then
        Map<String, Object> env = seen.get();
        assertThat(env.get(Environ.REMOTE_ADDR)).as("the address the proxy saw").isEqualTo("203.0.113.9");
        assertThat(env.get(Environ.WSGI_URL_SCHEME)).isEqualTo("https");
        assertThat(env.get(Environ.SERVER_NAME)).isEqualTo("example.com");
        assertThat(env.get(Environ.SERVER_PORT)).isEqualTo("8443");
        assertThat(env.get("HTTP_HOST")).isEqualTo("example.com:8443");
        assertThat(env.get(Environ.SCRIPT_NAME)).isEqualTo("/public/app");
        assertThat(env.get(ProxyFix.ORIGINAL)).as("the replaced values are kept").isEqualTo(Map.of(
                Environ.REMOTE_ADDR, "10.0.0.5", Environ.WSGI_URL_SCHEME, "http", "HTTP_HOST", "internal:8080",
                Environ.SERVER_NAME, "localhost", Environ.SERVER_PORT, "8080", Environ.SCRIPT_NAME, "/app"));
    }

    @Test
    void defaultsBelieveOnlyForAndProto() {
        forwarded(ProxyFix.trusting("10.0.0.5").wrap(app), "10.0.0.5").send();

        Map<String, Object> env = seen.get();
        assertThat(env.get(Environ.REMOTE_ADDR)).isEqualTo("203.0.113.9");
        assertThat(env.get(Environ.WSGI_URL_SCHEME)).isEqualTo("https");
        assertThat(env.get(Environ.SERVER_NAME)).as("host not trusted by default").isEqualTo("localhost");
        assertThat(env.get(Environ.SCRIPT_NAME)).as("prefix not trusted by default").isEqualTo("/app");
    }

    @ParameterizedTest(name = "X-Forwarded-For \"{0}\", {1} hop(s) -> {2}")
    @CsvSource(delimiter = '|', value = {
        "198.51.100.7, 203.0.113.9          | 1 | 203.0.113.9",
        "198.51.100.7, 203.0.113.9          | 2 | 198.51.100.7",
        "198.51.100.7, 203.0.113.9          | 3 | 10.0.0.5",
        "forged, 198.51.100.7, 203.0.113.9  | 2 | 198.51.100.7",
        "'  203.0.113.9  '                  | 1 | 203.0.113.9",
        "198.51.100.7,                      | 1 | 10.0.0.5",
        "'bad value, '                      | 2 | 10.0.0.5",
        "198.51.100.7                       | 0 | 10.0.0.5",
    })
    void onlyTheConfiguredNumberOfHopsIsBelieved(String header, int hops, String remoteAddr) {
        forwarded(ProxyFix.trusting("10.0.0.5").forwardedFor(hops).wrap(app), "10.0.0.5")
                .environ("HTTP_X_FORWARDED_FOR", header).send();

        assertThat(seen.get().get(Environ.REMOTE_ADDR)).isEqualTo(remoteAddr);
    }

    @ParameterizedTest(name = "{0} trusts {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "10.0.0.0/8        | 10.200.3.4       | true",
        "10.0.0.0/8        | 11.0.0.1         | false",
        "192.168.1.128/25  | 192.168.1.200    | true",
        "192.168.1.128/25  | 192.168.1.127    | false",
        "127.0.0.1         | 127.0.0.1        | true",
        "127.0.0.1         | 127.0.0.2        | false",
        "::1               | ::1              | true",
        "::1               | 0:0:0:0:0:0:0:1  | true",
        "fd00::/8          | fd12:3456::1     | true",
        "fd00::/8          | fe80::1          | false",
        "10.0.0.0/8        | ::ffff:10.1.2.3  | true",
        "0.0.0.0/0         | 8.8.8.8          | true",
        "10.0.0.5          | localhost        | false",
        "10.0.0.5          | 10.0.0.5.evil    | false",
    })
    void trustedNetworksMatchAddressesBitByBit(String network, String peer, boolean trusted) {
        assertThat(ProxyFix.trusting(network).trusts(peer)).as("%s contains %s", network, peer).isEqualTo(trusted);
    }

    @Test
    void hostNamesAndBadNetworksAreRefusedAtConfiguration() {
        assertThatThrownBy(() -> ProxyFix.trusting("proxy.internal")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not host names").hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> ProxyFix.trusting("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 to 32 bits");
        assertThatThrownBy(() -> ProxyFix.trusting("10.0.0.1").forwardedFor(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("forwardedFor hops must be >= 0");
    }

    @Test
    void invalidForwardedValuesAreIgnored() {
        forwarded(ProxyFix.trusting("10.0.0.5").proto(1).host(1).port(1).prefix(1).wrap(app), "10.0.0.5")
                .environ("HTTP_X_FORWARDED_PROTO", "gopher")
                .environ("HTTP_X_FORWARDED_HOST", "[::1")
                .environ("HTTP_X_FORWARDED_PORT", "99999")
                .environ("HTTP_X_FORWARDED_PREFIX", "no-slash")
                .send();

        Map<String, Object> seenEnv = seen.get();
        assertThat(seenEnv.get(Environ.WSGI_URL_SCHEME)).isEqualTo("http");
        assertThat(seenEnv.get("HTTP_HOST")).isEqualTo("internal:8080");
        assertThat(seenEnv.get(Environ.SERVER_PORT)).isEqualTo("8080");
        assertThat(seenEnv.get(Environ.SCRIPT_NAME)).isEqualTo("/app");
    }

    @Test
    void forwardedPortWithoutAHostHeaderSetsOnlyTheServerPort() {
        // given: a request without Host, so SERVER_NAME and SERVER_PORT are all there is
        forwarded(ProxyFix.trusting("10.0.0.5").port(1).wrap(app), "10.0.0.5").without("HTTP_HOST").send();

        // then
        Map<String, Object> env = seen.get();
        assertThat(env.get(Environ.SERVER_PORT)).isEqualTo("8443");
        assertThat(env.get(Environ.SERVER_NAME)).isEqualTo("localhost");
        assertThat(env).as("no Host header is invented").doesNotContainKey("HTTP_HOST");
        assertThat(env.get(ProxyFix.ORIGINAL)).as("no Host among the replaced values").isEqualTo(Map.of(
                Environ.REMOTE_ADDR, "10.0.0.5", Environ.WSGI_URL_SCHEME, "http", Environ.SERVER_PORT, "8080"));
    }

    @Test
    void sleepingAppBehindItStreamsChunkByChunkAndClosesOnce() {
        Sleeper sleeper = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        MockExchange exchange = forwarded(ProxyFix.trusting("10.0.0.5").wrap(sleeper), "10.0.0.5").start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();
        assertThat(sleeper.environ.get(Environ.REMOTE_ADDR)).isEqualTo("203.0.113.9");

        sleeper.feed("a");
        assertThat(exchange.response().textChunks()).containsExactly("a");
        sleeper.feed("b");
        assertThat(exchange.response().textChunks()).containsExactly("a", "b");
        sleeper.finish();

        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(sleeper.closes).hasValue(1);
    }
}
