package io.jwsgi.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Environ;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PythonApplication} under the bridge's own {@link MockContainer}: what the server does with a
 * Python application that breaks PEP 3333, which wsgiref.validate would stop before the server saw it.
 */
class PythonApplicationTest {

    private static final Path PYTHON = Path.of("src/test/python");
    private static PythonApplication app;

    @BeforeAll
    static void load() {
        app = new PythonApplication("faults:route", List.of(PYTHON));
    }

    @AfterAll
    static void close() {
        app.close();
    }

    @Test
    void servesUnderTheBridgesValidator() {
        MockResponse response = MockContainer.of(app).post("/hello", "ignored").send();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("hello POST");
    }

    @Test
    void aStrChunkIsAnApplicationErrorNamingTheRule() {
        MockResponse response = MockContainer.of(app).withoutValidator().get("/yields_str").send();
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.applicationError()).hasValueSatisfying(e ->
                assertThat(e).hasMessageContaining("PEP 3333: the application must yield bytes, got str"));
        assertThat(response.closeCount()).isEqualTo(1);
    }

    @Test
    void aHeaderValueBeyondLatin1IsRefusedInStartResponse() {
        MockResponse response = MockContainer.of(app).withoutValidator().get("/non_latin1_header").send();
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.applicationError()).hasValueSatisfying(e ->
                assertThat(e).hasMessageContaining("must hold only latin-1 characters"));
    }

    @Test
    void closeReachesPythonOnceHoweverOftenItIsCalled() throws Exception {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        environ.put(Environ.PATH_INFO, "/counted");
        Iterable<byte[]> body = app.call(environ, (status, headers, excInfo) -> data -> { });
        assertThat(body.iterator().next()).asString().isEqualTo("counted");
        ((AutoCloseable) body).close();
        ((AutoCloseable) body).close();
        assertThat(MockContainer.of(app).get("/closes").send().text()).isEqualTo("1");
    }

    @Test
    void everyByteValueCrossesBothWays() {
        byte[] all = new byte[256 * 64];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        MockResponse response = MockContainer.of(app).post("/echo_body", all).send();
        assertThat(response.body()).isEqualTo(all);
    }

    @Test
    void anUnknownModuleFailsWithPythonsMessage() {
        assertThatThrownBy(() -> new PythonApplication("no_such_module:app", List.of(PYTHON)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("python-app no_such_module:app")
                .hasMessageContaining("No module named 'no_such_module'");
    }
}
