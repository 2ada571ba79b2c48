package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private static final List<String> CALLS = new ArrayList<>();

    @AfterEach
    void stop() {
        CALLS.clear();
    }

    /** Records its name when called, then calls the app it wraps. */
    private static Middleware named(String name) {
        return app -> (env, start) -> {
            CALLS.add(name);
            return app.call(env, start);
        };
    }

    private static final Application HELLO = (env, start) -> {
        CALLS.add("app");
        start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
        return List.of(bytes("hello"));
    };

    @Test
    void lastMiddlewareAddedIsOutermost() {
        Pipeline pipeline = Pipeline.of(HELLO).with(named("inner")).with(named("outer"));

        MockResponse response = MockContainer.of(pipeline).get("/").send();

        assertThat(CALLS).containsExactly("outer", "inner", "app");
        assertThat(response.text()).isEqualTo("hello");
        assertThat(pipeline.layers()).hasSize(3).first().isSameAs(HELLO);
    }

    @Test
    void pipelineIsImmutable() {
        Pipeline base = Pipeline.of(HELLO);
        Pipeline wrapped = base.with(named("m"));

        MockContainer.of(base).get("/").send();

        assertThat(CALLS).containsExactly("app");
        assertThat(wrapped.layers()).hasSize(2);
        assertThat(base.layers()).hasSize(1);
    }

    /** What a web.xml names: a public class with a no-argument constructor. */
    public static final class Site extends Pipeline {
        public Site() {
            super(Pipeline.of(HELLO).with(named("logged")).with(Gzip::new));
        }
    }

    @Test
    void subclassWithNoArgConstructorCanBeNamedInWebXml() throws Exception {
        // given: what JwsgiServlet does with the init-param "application"
        Application app = (Application) Class.forName(Site.class.getName()).getConstructor().newInstance();

        // when
        MockResponse response = MockContainer.of(app).get("/").send();

        // then
        assertThat(CALLS).containsExactly("logged", "app");
        assertThat(response.text()).isEqualTo("hello");
        assertThat(app.toString()).isEqualTo("Pipeline[Gzip > " + ((Pipeline) app).layers().get(1).getClass().getSimpleName()
                + " > " + HELLO.getClass().getSimpleName() + "]");
    }

    @Test
    void closeClosesEveryClosableLayerOnceOutermostFirst() throws Exception {
        List<String> closed = new ArrayList<>();
        class ClosableApp implements Application, AutoCloseable {
            private final String name;
            private final Application inner;

            ClosableApp(String name, Application inner) {
                this.name = name;
                this.inner = inner;
            }

            @Override
            public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
                return inner.call(environ, startResponse);
            }

            @Override
            public void close() {
                closed.add(name);
            }
        }
        Pipeline pipeline = Pipeline.of(new ClosableApp("app", HELLO)).with(Gzip::new).with(a -> new ClosableApp("outer", a));

        pipeline.close();

        assertThat(closed).containsExactly("outer", "app");
    }

    @Test
    void middlewareReturningNullIsNamed() {
        assertThatThrownBy(() -> Pipeline.of(HELLO).with(app -> null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("returned null");
    }
}
