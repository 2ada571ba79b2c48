package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ProxyFix reading RFC 7239 {@code Forwarded}, beside {@code X-Forwarded-*}. */
class ProxyFixForwardedTest {

    private final AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    private final Application app = (env, start) -> {
        seen.set(env);
        start.start("204 No Content", List.of());
        return List.of();
    };

    private ProxyFix.Options proxies() {
        return ProxyFix.trusting("10.0.0.0/8", "fd00::/8").forwardedFor(1).proto(1).host(1).prefix(1);
    }

    /** A request to {@code fix} from {@code peer} with X-Forwarded-* and the given Forwarded lines; the server listens on 8080. */
    private static MockRequest request(Application fix, String peer, String... forwarded) {
        MockRequest request = MockContainer.of(fix).get("/x").scriptName("/app")
                .environ(Environ.REMOTE_ADDR, peer)
                .environ(Environ.SERVER_PORT, "8080")
                .environ("HTTP_HOST", "internal:8080")
                .header("X-Forwarded-For", "198.51.100.7")
                .header("X-Forwarded-Proto", "http")
                .header("X-Forwarded-Host", "x-forwarded.example")
                .header("X-Forwarded-Prefix", "/public");
        for (String line : forwarded) {
            request.header("Forwarded", line);
        }
        return request;
    }

    private Map<String, Object> serve(Application fix, String peer, String... forwarded) {
        MockResponse response = request(fix, peer, forwarded).send();
        assertThat(response.status()).as("the client never sees a parsing problem").isEqualTo(204);
        return seen.get();
    }

    @Test
    void forwardedWinsOverXForwardedByDefault() {
        Map<String, Object> env = serve(proxies().wrap(app), "10.0.0.5",
                "for=192.0.2.60;proto=https;host=example.com;by=\"[fd00::1]:443\"");

        assertThat(env.get(Environ.REMOTE_ADDR)).isEqualTo("192.0.2.60");
        assertThat(env.get(Environ.WSGI_URL_SCHEME)).isEqualTo("https");
        assertThat(env.get("HTTP_HOST")).isEqualTo("example.com");
        assertThat(env.get(Environ.SERVER_NAME)).isEqualTo("example.com");
        assertThat(env.get(Environ.SERVER_PORT)).as("https's port, the host naming none").isEqualTo("443");
        assertThat(env.get(ForwardedHeader.BY)).isEqualTo("[fd00::1]:443");
        assertThat(env.get(Environ.SCRIPT_NAME)).as("X-Forwarded-Prefix still applies").isEqualTo("/public/app");
        @SuppressWarnings("unchecked")
        Map<String, Object> original = (Map<String, Object>) env.get(ProxyFix.ORIGINAL);
        assertThat(original).containsEntry(Environ.REMOTE_ADDR, "10.0.0.5").containsEntry("HTTP_HOST", "internal:8080")
                .containsEntry(Environ.SERVER_PORT, "8080");
    }

    @Test
    void precedenceIsASetting() {
        Map<String, Object> xOnly = serve(proxies().headers(ProxyFix.Headers.X_FORWARDED_ONLY).wrap(app), "10.0.0.5",
                "for=192.0.2.60;host=example.com");
        assertThat(List.of(xOnly.get(Environ.REMOTE_ADDR), xOnly.get("HTTP_HOST")))
                .containsExactly("198.51.100.7", "x-forwarded.example");

        Map<String, Object> forwardedOnly = serve(proxies().headers(ProxyFix.Headers.FORWARDED_ONLY).wrap(app), "10.0.0.5");
        assertThat(List.of(forwardedOnly.get(Environ.REMOTE_ADDR), forwardedOnly.get("HTTP_HOST")))
                .as("no Forwarded: nothing believed").containsExactly("10.0.0.5", "internal:8080");

        Map<String, Object> fallback = serve(proxies().wrap(app), "10.0.0.5");
        assertThat(fallback.get(Environ.REMOTE_ADDR)).as("no Forwarded: X-Forwarded-For").isEqualTo("198.51.100.7");
    }

    @Test
    void untrustedPeersForwardedIsIgnored() {
        Map<String, Object> env = serve(proxies().wrap(app), "192.0.2.99", "for=203.0.113.1;proto=https");

        assertThat(env.get(Environ.REMOTE_ADDR)).isEqualTo("192.0.2.99");
        assertThat(env.get(Environ.WSGI_URL_SCHEME)).isEqualTo("http");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // Forwarded lines (joined by the server with commas)                         | REMOTE_ADDR  | scheme
        "for=192.0.2.60                                                               | 192.0.2.60   | http",
        "`for=\"[2001:db8::1]:4711\";proto=https`                                     | 2001:db8::1  | https",
        "`for=198.51.100.1, for=192.0.2.60, for=10.0.0.9`                             | 192.0.2.60   | http",
        "`for=198.51.100.1;proto=http, for=\"[fd00::9]\";proto=https, for=10.0.0.9`   | 198.51.100.1 | http",
        "`for=_hidden;proto=https`                                                    | 10.0.0.5     | https",
        "`for=unknown;proto=https`                                                    | 10.0.0.5     | https",
        "`for=192.0.2.60;proto=ftp`                                                   | 192.0.2.60   | http",
    })
    void clientElementIsFoundByWalkingBackOverTrustedProxies(String forwarded, String remoteAddr, String scheme) {
        Map<String, Object> env = serve(proxies().wrap(app), "10.0.0.5", forwarded);

        assertThat(List.of(env.get(Environ.REMOTE_ADDR), env.get(Environ.WSGI_URL_SCHEME)))
                .containsExactly(remoteAddr, scheme);
    }

    @Test
    void severalHeaderLinesAreOneList() {
        Map<String, Object> env = serve(proxies().wrap(app), "10.0.0.5",
                "for=192.0.2.60;proto=https", "for=10.0.0.1", "for=10.0.0.2");

        assertThat(env.get(Environ.REMOTE_ADDR)).isEqualTo("192.0.2.60");
        assertThat(env.get(Environ.WSGI_URL_SCHEME)).isEqualTo("https");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "unbalanced quote spoiling the proxy's element | `for=\"192.0.2.66, for=192.0.2.60` |",
        "client's garbage before the proxy's element   | `for=evil;for=1.1.1.1, for=192.0.2.60` |",
        "bad token                                     | `for=192.0.2.66:80, for=192.0.2.60` |",
        "header injection in a quoted string           | `for=\"a\rb\", for=192.0.2.60` |",
        "a second line broken                          | `for=192.0.2.60` | `proto=\"https`",
        "host with a path                              | `host=\"example.com/admin\", for=192.0.2.60` |",
    })
    void malformedForwardedIsLoggedAndIgnoredForXForwarded(String scenario, String line1, String line2) {
        List<LogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(ProxyFix.class.getName());
        logger.addHandler(handler);
        try {
            ForwardedHeader.reportNextAtOnce();
            String[] lines = line2 == null ? new String[] {line1.replace("\\r", "\r")} : new String[] {line1, line2};
            Map<String, Object> env = serve(proxies().wrap(app), "10.0.0.5", lines);

            assertThat(env.get(Environ.REMOTE_ADDR)).as(scenario + ": X-Forwarded-For instead").isEqualTo("198.51.100.7");
            assertThat(records).as("one warning naming the header and the rule").hasSize(1);
            assertThat(records.get(0).getMessage()).contains("malformed Forwarded header", "RFC 7239");
            assertThat(String.valueOf(records.get(0).getParameters()[0])).startsWith("Forwarded ");
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void hugeForwardedIsIgnored() {
        String huge = "for=192.0.2.60, " + "for=10.0.0.1, ".repeat(2000) + "for=10.0.0.2";

        Map<String, Object> env = serve(proxies().wrap(app), "10.0.0.5", huge);

        assertThat(env.get(Environ.REMOTE_ADDR)).isEqualTo("198.51.100.7");
    }
}
