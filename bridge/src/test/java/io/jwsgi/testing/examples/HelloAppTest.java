package io.jwsgi.testing.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import org.junit.jupiter.api.Test;

class HelloAppTest {

    private final MockContainer container = MockContainer.of(new HelloApp());

    @Test
    void greetsByName() {
        MockResponse response = container.get("/hello?name=Ada%20L.").header("Accept", "text/plain").send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.text()).isEqualTo("Hello, Ada L.\n");
    }

    @Test
    void greetsTheWorldByDefault() {
        assertThat(container.get("/hello").send().text()).isEqualTo("Hello, world\n");
    }
}
