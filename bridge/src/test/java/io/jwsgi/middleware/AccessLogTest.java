package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.fixture.Closing;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.EnvironBuilder;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-10-10T13:55:36Z"), ZoneOffset.UTC);
    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain"));
    private static final String TARGET = "/chat/poll?since=4";
    private static final String PEER = "203.0.113.9";
    private static final String REFERER = "https://example.com/";
    private static final String AGENT = "curl/8.5.0";
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private AccessLog log(Application app, AccessLog.Format format) {
        return new AccessLog(app, format, (line, environ) -> lines.add(line), CLOCK);
    }

    /** The logged request, to serve. */
    private static MockRequest request(Application app) {
        return MockContainer.of(app).get(TARGET).environ(Environ.REMOTE_ADDR, PEER)
                .header("Referer", REFERER).header("User-Agent", AGENT);
    }

    /** The same request as a bare environ, for calling the middleware directly. */
    private static Map<String, Object> environ() {
        return EnvironBuilder.of("GET", TARGET).set(Environ.REMOTE_ADDR, PEER)
                .header("Referer", REFERER).header("User-Agent", AGENT).build();
    }

    /** The line without its last field, the duration, which varies. */
    private static String withoutDuration(String line) {
        return line.substring(0, line.lastIndexOf(' '));
    }

    @Test
    void combinedLineIsWrittenWhenTheBodyIsClosed() {
        // given
        Closing body = Closing.of("hello ", "world");
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            return body;
        };

        // when
        MockResponse response = request(log(app, AccessLog.Format.COMBINED)).send();

        // then
        assertThat(response.isEnded() && !response.isAborted()).as("completed").isTrue();
        assertThat(lines).hasSize(1);
        assertThat(withoutDuration(lines.get(0))).isEqualTo("203.0.113.9 - - [10/Oct/2026:13:55:36 +0000]"
                + " \"GET /chat/poll?since=4 HTTP/1.1\" 200 11 \"https://example.com/\" \"curl/8.5.0\"");
        assertThat(lines.get(0)).as("ends with the duration in ms").matches(".* \\d+$");
        assertThat(body.closes).hasValue(1);
    }

    @Test
    void commonFormatHasNoRefererOrAgentAndDashForNoBytes() {
        Application app = (env, start) -> {
            start.start("204 No Content", List.of());
            return List.of();
        };

        request(log(app, AccessLog.Format.COMMON)).send();

        assertThat(withoutDuration(lines.get(0)))
                .isEqualTo("203.0.113.9 - - [10/Oct/2026:13:55:36 +0000] \"GET /chat/poll?since=4 HTTP/1.1\" 204 -");
    }

    @Test
    void quotedFieldsCannotForgeLines() {
        // given: a user agent with a quote, a newline and non-ASCII text
        Map<String, Object> env = environ();
        env.put("HTTP_USER_AGENT", "evil\" 200 1\nforged é");

        // when
        String line = AccessLog.line(env, ZonedDateTime.now(CLOCK), "200 OK", 1, 5, AccessLog.Format.COMBINED);

        // then
        assertThat(line).as("one line").doesNotContain("\n")
                .endsWith("\"evil\\\" 200 1\\nforged \\xc3\\xa9\" 5");
    }

    @ParameterizedTest(name = "{0}") // #17
    @MethodSource("apacheEscapes")
    void fieldsAreEscapedAsApachesApEscapeLogitem(String what, String raw, String logged) {
        assertThat(AccessLog.escape(raw)).as(what).isEqualTo(logged);
    }

    /** What httpd's ap_escape_logitem writes for each kind of byte. */
    static Stream<Arguments> apacheEscapes() {
        return Stream.of(
                Arguments.of("quote and backslash get a backslash", "a\"b\\c", "a\\\"b\\\\c"),
                Arguments.of("the five named control characters", "\b\n\r\t\u000b", "\\b\\n\\r\\t\\v"),
                Arguments.of("other control bytes as hex", "\u0000\u0001\u001b\u007f", "\\x00\\x01\\x1b\\x7f"),
                Arguments.of("form feed and bell are not named", "\f\u0007", "\\x0c\\x07"),
                Arguments.of("non-ASCII, each UTF-8 byte in lower-case hex", "é€", "\\xc3\\xa9\\xe2\\x82\\xac"),
                Arguments.of("printable ASCII unchanged", "GET /a?b=c d~", "GET /a?b=c d~"));
    }

    @Test
    void sleepingResponseIsLoggedOnceWhenItEndsWithAllItsBytes() {
        // given
        Sleeper app = new Sleeper(TEXT);
        MockExchange exchange = request(log(app, AccessLog.Format.COMMON)).start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();

        // when: two chunks, each after a sleep
        app.feed("12345");
        assertThat(exchange.response().textChunks()).containsExactly("12345");
        app.feed("678");
        assertThat(exchange.response().textChunks()).containsExactly("12345", "678");

        // then: nothing is logged while the response lives
        assertThat(lines).as("not logged before the end").isEmpty();

        // when
        app.finish();
        MockResponse response = exchange.awaitDone();

        // then
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(lines).hasSize(1);
        assertThat(withoutDuration(lines.get(0))).endsWith("\" 200 8");
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void responseCutWhenTheClientLeavesIsLoggedAtClose() {
        // given
        Sleeper app = new Sleeper(TEXT);
        MockExchange exchange = request(log(app, AccessLog.Format.COMMON)).start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();
        app.feed("abc");
        assertThat(exchange.response().textChunks()).containsExactly("abc");

        // when
        exchange.disconnect();

        // then
        assertThat(exchange.isDone()).isTrue();
        assertThat(lines).as("logged on abort").hasSize(1);
        assertThat(withoutDuration(lines.get(0))).endsWith("\" 200 3");
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void failingCallIsLoggedAs500AtOnce() {
        Application app = (env, start) -> {
            throw new IllegalStateException("down");
        };
        AccessLog logged = log(app, AccessLog.Format.COMMON);

        assertThatThrownBy(() -> logged.call(environ(), (s, h, e) -> data -> { }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(lines).hasSize(1);
        assertThat(withoutDuration(lines.get(0))).endsWith("\" 500 -");
    }

    @Test
    void bodyFailingBeforeAnyByteIsLoggedAs500() {
        Application app = (env, start) -> {
            start.start("200 OK", TEXT);
            return () -> new java.util.Iterator<byte[]>() {
                @Override
                public boolean hasNext() {
                    return true;
                }

                @Override
                public byte[] next() {
                    throw new IllegalStateException("broken");
                }
            };
        };

        MockResponse response = request(log(app, AccessLog.Format.COMMON)).send();

        assertThat(response.status()).as("the server's error page").isEqualTo(500);
        assertThat(withoutDuration(lines.get(0))).endsWith("\" 500 -");
    }

    @Test
    void writeCallsAreCounted() {
        Application app = (env, start) -> {
            start.start("200 OK", TEXT).write(bytes("1234"));
            return List.of(bytes("56"));
        };

        request(log(app, AccessLog.Format.COMMON)).send();

        assertThat(withoutDuration(lines.get(0))).endsWith("\" 200 6");
    }
}
