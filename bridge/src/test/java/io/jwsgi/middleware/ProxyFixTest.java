package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Harness;
import io.jwsgi.fixture.Sleeper;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyFixTest {

    private final Harness server = new Harness();
    private final AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    private final Application app = (env, start) -> {
        seen.set(env);
        start.start("204 No Content", List.of());
        return List.of();
    };

    @AfterEach
    void stop() {
        server.close();
    }

    private Map<String, Object> forwarded(String peer) {
        Map<String, Object> env = Harness.environ("GET", "/x");
        env.put(Environ.SCRIPT_NAME, "/app");
        env.put(Environ.REMOTE_ADDR, peer);
        env.put("HTTP_HOST", "internal:8080");
        env.put("HTTP_X_FORWARDED_FOR", "198.51.100.7, 203.0.113.9");
        env.put("HTTP_X_FORWARDED_PROTO", "https");
        env.put("HTTP_X_FORWARDED_HOST", "example.com");
        env.put("HTTP_X_FORWARDED_PORT", "8443");
        env.put("HTTP_X_FORWARDED_PREFIX", "/public/");
        return env;
    }

    @Test
    void untrustedPeerChangesNothing() {
        // given: headers from a peer that is not a configured proxy
        Map<String, Object> env = forwarded("192.0.2.66");

        // when
        server.serve(ProxyFix.trusting("10.0.0.5").forwardedFor(1).proto(1).host(1).port(1).prefix(1).wrap(app), env);

        // then
        assertThat(seen.get()).as("the very same environ, untouched").isSameAs(env);
        assertThat(seen.get().get(Environ.REMOTE_ADDR)).isEqualTo("192.0.2.66");
        assertThat(seen.get().get(Environ.WSGI_URL_SCHEME)).isEqualTo("http");
    }

    @Test
    void trustedPeerAppliesEachHeaderItIsConfiguredFor() {
        // when
        server.serve(ProxyFix.trusting("10.0.0.5").forwardedFor(1).proto(1).host(1).port(1).prefix(1).wrap(app),
                forwarded("10.0.0.5"));

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
        server.serve(ProxyFix.trusting("10.0.0.5").wrap(app), forwarded("10.0.0.5"));

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
        Map<String, Object> env = forwarded("10.0.0.5");
        env.put("HTTP_X_FORWARDED_FOR", header);

        server.serve(ProxyFix.trusting("10.0.0.5").forwardedFor(hops).wrap(app), env);

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
        Map<String, Object> env = forwarded("10.0.0.5");
        env.put("HTTP_X_FORWARDED_PROTO", "gopher");
        env.put("HTTP_X_FORWARDED_HOST", "[::1");
        env.put("HTTP_X_FORWARDED_PORT", "99999");
        env.put("HTTP_X_FORWARDED_PREFIX", "no-slash");

        server.serve(ProxyFix.trusting("10.0.0.5").proto(1).host(1).port(1).prefix(1).wrap(app), env);

        Map<String, Object> seenEnv = seen.get();
        assertThat(seenEnv.get(Environ.WSGI_URL_SCHEME)).isEqualTo("http");
        assertThat(seenEnv.get("HTTP_HOST")).isEqualTo("internal:8080");
        assertThat(seenEnv.get(Environ.SERVER_PORT)).isEqualTo("8080");
        assertThat(seenEnv.get(Environ.SCRIPT_NAME)).isEqualTo("/app");
    }

    @Test
    void sleepingAppBehindItStreamsChunkByChunkAndClosesOnce() {
        Sleeper sleeper = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        Harness.Exchange response = server.serve(ProxyFix.trusting("10.0.0.5").wrap(sleeper), forwarded("10.0.0.5"));
        assertThat(sleeper.environ.get(Environ.REMOTE_ADDR)).isEqualTo("203.0.113.9");

        sleeper.feed("a");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("a");
        sleeper.feed("b");
        server.run();
        assertThat(response.chunkTexts()).containsExactly("a", "b");
        sleeper.finish();
        server.run();

        assertThat(response.completed()).isTrue();
        assertThat(sleeper.closes).hasValue(1);
    }
}
