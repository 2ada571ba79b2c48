package io.jwsgi.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Environ;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The environ a test request gets: minimal, valid, and shaped like the bridge's. */
class EnvironBuilderTest {

    @Test
    void defaultsMakeAMinimalEnvironWithTheSpecifiedTypes() throws Exception {
        Map<String, Object> environ = EnvironBuilder.of("GET", "/items?page=2").build();

        Map<String, Object> plain = new HashMap<>(environ);
        plain.keySet().removeAll(List.of(Environ.WSGI_INPUT, Environ.WSGI_ERRORS, Environ.ASYNC_SLEEP, Environ.ASYNC_WAKE));
        assertThat(plain).as("every required key, nothing about a body").isEqualTo(Map.ofEntries(
                Map.entry("REQUEST_METHOD", "GET"),
                Map.entry("SCRIPT_NAME", ""),
                Map.entry("PATH_INFO", "/items"),
                Map.entry("QUERY_STRING", "page=2"),
                Map.entry("SERVER_NAME", "localhost"),
                Map.entry("SERVER_PORT", "80"),
                Map.entry("SERVER_PROTOCOL", "HTTP/1.1"),
                Map.entry("REMOTE_ADDR", "127.0.0.1"),
                Map.entry("HTTP_HOST", "localhost"),
                Map.entry("wsgi.version", List.of(1, 0)),
                Map.entry("wsgi.url_scheme", "http"),
                Map.entry("wsgi.multithread", true),
                Map.entry("wsgi.multiprocess", false),
                Map.entry("wsgi.run_once", false),
                Map.entry("wsgi.input_terminated", true)));
        assertThat(((InputStream) environ.get(Environ.WSGI_INPUT)).read()).as("no body").isEqualTo(-1);
        assertThat(environ.get(Environ.WSGI_ERRORS)).isInstanceOf(PrintWriter.class);
        assertThat(environ.get(Environ.ASYNC_SLEEP)).isInstanceOf(Runnable.class);
    }

    @Test
    void defaultEnvironPassesTheValidator() {
        Map<String, Object> environ = EnvironBuilder.of("GET", "/").build();

        EnvironRules.check(environ, new Report());
    }

    @Test // #17
    void sleepAndWakeStandInsKeepTheLedgerAsAServerDoes() {
        // given the stand-ins of a fresh environ
        Map<String, Object> environ = EnvironBuilder.of("GET", "/").build();
        Runnable sleep = (Runnable) environ.get(Environ.ASYNC_SLEEP);
        Runnable wake = (Runnable) environ.get(Environ.ASYNC_WAKE);
        AsyncStandIn async = EnvironBuilder.async(environ);

        // when / then: a sleep is pending until a wake releases it
        sleep.run();
        assertThat(async.isSleeping()).as("after a sleep").isTrue();
        wake.run();
        assertThat(async.isSleeping()).as("after the wake").isFalse();
        assertThat(async.hasPermit()).as("the wake released the sleep, nothing kept").isFalse();

        // a wake while nothing sleeps is kept, once, and cancels the next sleep
        wake.run();
        wake.run();
        assertThat(async.hasPermit()).isTrue();
        sleep.run();
        assertThat(async.isSleeping()).as("the kept wake cancelled this sleep").isFalse();
        sleep.run();
        assertThat(async.isSleeping()).as("two wakes keep one permit, as LockSupport.unpark").isTrue();
        assertThat(List.of(async.sleeps(), async.wakes())).containsExactly(3, 3);
    }

    @Test // #17
    void theLedgerIsOnlyThereForTheBuildersOwnStandIns() {
        Map<String, Object> environ = EnvironBuilder.of("GET", "/").set(Environ.ASYNC_SLEEP, (Runnable) () -> { }).build();

        assertThatThrownBy(() -> EnvironBuilder.async(environ)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("environ[\"async.sleep\"] is not EnvironBuilder's stand-in");
    }

    @Test
    void bodySetsLengthTypeAndInput() throws Exception {
        Map<String, Object> environ = EnvironBuilder.of("PUT", "/doc").body("héllo")
                .header("Content-Type", "text/markdown").build();

        assertThat(environ).containsEntry("CONTENT_LENGTH", "6").containsEntry("CONTENT_TYPE", "text/markdown");
        assertThat(((InputStream) environ.get(Environ.WSGI_INPUT)).readAllBytes()).isEqualTo(Apps.bytes("héllo"));
    }

    @Test
    void headersMapAsTheBridgeMapsThem() {
        Map<String, Object> environ = EnvironBuilder.of("GET", "/")
                .header("Accept", "text/plain").header("accept", "text/html")
                .header("X_User", "forged")
                .header("Content-Type", "application/json")
                .build();

        assertThat(environ).containsEntry("HTTP_ACCEPT", "text/plain,text/html")
                .containsEntry("CONTENT_TYPE", "application/json")
                .doesNotContainKey("HTTP_X_USER")
                .doesNotContainKey("HTTP_CONTENT_TYPE");
    }

    @Test
    void anyKeyCanBeReplacedOrRemoved() {
        Map<String, Object> environ = EnvironBuilder.of("GET", "/").scriptName("/app")
                .set("wsgi.url_scheme", "https").remove("HTTP_HOST").remove("REMOTE_ADDR").build();

        assertThat(environ).containsEntry("SCRIPT_NAME", "/app").containsEntry("wsgi.url_scheme", "https")
                .doesNotContainKeys("HTTP_HOST", "REMOTE_ADDR");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/a%20b        | /a b",
        "/caf%C3%A9    | /café",
        "/%F0%9F%98%80 | /\uD83D\uDE00",
        "/\uD83D\uDE00 | /\uD83D\uDE00",
        "/a+b          | /a+b",
        "/100%         | /100%",
        "/%zz          | /%zz",
    })
    void pathIsPercentDecodedAsUtf8(String target, String pathInfo) {
        assertThat(EnvironBuilder.of("GET", target).build()).containsEntry("PATH_INFO", pathInfo);
    }

    @Test
    void targetMustBeAPath() {
        assertThatThrownBy(() -> EnvironBuilder.of("GET", "http://example.com/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the request target must be a path starting with \"/\" (an optional \"?query\" after it),"
                        + " got \"http://example.com/\"");
    }
}
