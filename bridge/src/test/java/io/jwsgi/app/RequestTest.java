package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Environ;
import io.jwsgi.testing.EnvironBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestTest {

    private static Map<String, Object> post(String contentType, String body) {
        return EnvironBuilder.of("POST", "/say?room=lobby&tag=a&tag=b+c&flag").scriptName("/chat")
                .body(body.getBytes(StandardCharsets.UTF_8)).header("Content-Type", contentType)
                .header("Cookie", "session=abc123; theme=\"dark\"; session=second")
                .header("User-Agent", "test/1.0").header("Host", "example.com:8080").build();
    }

    @Test
    void pathAndQueryComeFromTheEnviron() {
        Request request = new Request(post("text/plain", ""));

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.scriptName()).isEqualTo("/chat");
        assertThat(request.path()).isEqualTo("/say");
        assertThat(request.fullPath()).isEqualTo("/chat/say");
        assertThat(request.queryString()).isEqualTo("room=lobby&tag=a&tag=b+c&flag");
        assertThat(request.query()).isEqualTo(Map.of("room", List.of("lobby"), "tag", List.of("a", "b c"), "flag", List.of("")));
        assertThat(request.query("tag")).as("the first value").isEqualTo("a");
        assertThat(request.query("missing")).isNull();
        assertThat(request.url()).isEqualTo("http://example.com:8080/chat/say?room=lobby&tag=a&tag=b+c&flag");
    }

    @Test
    void headersAndCookies() {
        Request request = new Request(post("text/plain", ""));

        assertThat(request.header("user-agent")).isEqualTo("test/1.0");
        assertThat(request.header("Content-Type")).isEqualTo("text/plain");
        assertThat(request.header("X-Missing")).isNull();
        assertThat(request.headers()).containsEntry("User-Agent", "test/1.0").containsEntry("Host", "example.com:8080")
                .containsEntry("Content-Type", "text/plain");
        assertThat(request.cookies()).as("quotes removed, the first of a repeated name wins")
                .isEqualTo(Map.of("session", "abc123", "theme", "dark"));
        assertThat(request.cookie("session")).isEqualTo("abc123");
    }

    @Test
    void urlencodedFormIsDecodedAsUtf8() throws Exception {
        Request request = new Request(post("application/x-www-form-urlencoded; charset=UTF-8", "text=caf%C3%A9+au+lait&to=all&to=me"));

        assertThat(request.form()).isEqualTo(Map.of("text", List.of("café au lait"), "to", List.of("all", "me")));
        assertThat(request.form("to")).isEqualTo("all");
    }

    @Test
    void otherBodiesHaveNoForm() throws Exception {
        Request request = new Request(post("application/json", "{\"a\":1}"));

        assertThat(request.form()).isEmpty();
        assertThat(request.text()).isEqualTo("{\"a\":1}");
    }

    @Test
    void bodyIsReadOnceAndKeptForEveryView() throws Exception {
        Map<String, Object> env = post("text/plain; charset=ISO-8859-1", "");
        env.put(Environ.WSGI_INPUT, new ByteArrayInputStream(new byte[] {'c', 'a', 'f', (byte) 0xe9}));
        env.put(Environ.CONTENT_LENGTH, "4");

        Request first = new Request(env);
        assertThat(first.text()).as("the charset of Content-Type").isEqualTo("café");

        Request second = new Request(env);
        assertThat(second.body()).as("kept in the environ").hasSize(4);
        assertThat(second.stream().readAllBytes()).hasSize(4);
        assertThat(env.get(Request.BODY_KEY)).isSameAs(second.body());
    }

    @Test
    void streamReadsWsgiInputWhenTheBodyWasNotRead() throws Exception {
        Request request = new Request(post("text/plain", "streamed"));

        assertThat(new String(request.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("streamed");
    }

    @Test
    void bodyOverTheLimitIsRefusedByDeclarationOrByCounting() {
        Map<String, Object> declared = post("text/plain", "0123456789");
        assertThatThrownBy(() -> new Request(declared, 5).body()).isInstanceOf(Request.BodyTooLarge.class)
                .hasMessageContaining("declares 10 bytes, over the limit of 5");

        Map<String, Object> chunked = post("text/plain", "0123456789");
        chunked.remove(Environ.CONTENT_LENGTH);
        assertThatThrownBy(() -> new Request(chunked, 5).body()).isInstanceOf(Request.BodyTooLarge.class)
                .hasMessageContaining("longer than the limit of 5 bytes");
    }

    @Test
    void urlFallsBackToServerNameAndPortAndQuotesThePath() {
        Map<String, Object> env = EnvironBuilder.of("GET", "/a b/é").remove("HTTP_HOST")
                .set(Environ.WSGI_URL_SCHEME, "https").set(Environ.SERVER_PORT, "443").build();

        assertThat(new Request(env).url()).isEqualTo("https://localhost/a%20b/%C3%A9");
    }
}
