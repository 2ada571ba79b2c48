package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Header;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseTest {

    @Test
    void htmlResponseStartsWithTypeAndLength() {
        MockResponse response = MockContainer.of((env, start) -> Response.ok().html("<p>héllo</p>").send(start))
                .get("/").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsExactly(new Header("Content-Type", "text/html; charset=utf-8"),
                new Header("Content-Length", "13"));
        assertThat(response.text()).isEqualTo("<p>héllo</p>");
    }

    @Test
    void explicitTypeWinsAndStatusCodesGetTheirReason() {
        Response r = Response.status(404).contentType("text/markdown").text("# none");

        assertThat(r.status()).isEqualTo("404 Not Found");
        assertThat(r.headers()).contains(new Header("Content-Type", "text/markdown"));
        assertThat(Response.status("418 I'm a teapot").status()).isEqualTo("418 I'm a teapot");
    }

    @Test
    void redirectWithCookies() {
        Response r = Response.redirect("/rooms/1").cookie("session", "abc", Duration.ofDays(1)).cookie("flash", "saved");

        assertThat(r.status()).isEqualTo("303 See Other");
        assertThat(r.headers()).containsExactly(new Header("Location", "/rooms/1"),
                new Header("Set-Cookie", "session=abc; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax"),
                new Header("Set-Cookie", "flash=saved; Path=/; HttpOnly; SameSite=Lax"));
    }

    @Test
    void streamBodyIsReturnedAsItIsWithoutLength() {
        Iterable<byte[]> chunks = List.of("a".getBytes(StandardCharsets.UTF_8));
        Response r = Response.ok().contentType("text/plain").body(new byte[3]).stream(chunks);

        Iterable<byte[]> body = r.send((status, headers, excInfo) -> data -> { });

        assertThat(body).isSameAs(chunks);
        assertThat(r.headers()).containsExactly(new Header("Content-Type", "text/plain"));
    }

    @Test
    void mistakesFailWhereTheyAreMade() {
        assertThatThrownBy(() -> Response.ok().header("X-A", "a\r\nSet-Cookie: x=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("response splitting");
        assertThatThrownBy(() -> Response.ok().header("Connection", "close"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hop-by-hop");
        assertThatThrownBy(() -> Response.ok().cookie("session", "a;b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie value");
        assertThatThrownBy(() -> Response.ok().cookie("bad name", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cookie name");
        assertThatThrownBy(() -> Response.status("OK")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NNN Reason");
        assertThatThrownBy(() -> Response.status(42)).isInstanceOf(IllegalArgumentException.class);
    }
}
