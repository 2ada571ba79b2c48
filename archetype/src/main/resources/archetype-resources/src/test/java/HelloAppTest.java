package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import org.junit.jupiter.api.Test;

/** Serves the application in JWSGI's mock container: the same response pump as on a real server, no server. */
class HelloAppTest {

    @Test
    void greetsWithThePath() {
        MockResponse response = MockContainer.of(new HelloApp()).get("/world").send();

        assertEquals(200, response.status());
        assertEquals("text/plain; charset=utf-8", response.header("Content-Type"));
        assertEquals("Hello from JWSGI, you asked for /world\n", response.text());
    }
}
