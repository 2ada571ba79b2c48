package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.fixture.Closing;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.EnvironBuilder;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GzipTest {

    private static final List<Header> TEXT = List.of(new Header("Content-Type", "text/plain; charset=utf-8"));
    private static final String ACCEPT = "gzip, deflate, br";

    private static MockRequest gzipRequest(Application app, String target) {
        return MockContainer.of(app).get(target).header("Accept-Encoding", ACCEPT);
    }

    private static Application fixed(List<Header> headers, Closing body) {
        return (env, start) -> {
            start.start("200 OK", headers);
            return body;
        };
    }

    @ParameterizedTest(name = "Accept-Encoding \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "gzip                     | true",
        "GZIP;q=0.5               | true",
        "deflate, gzip;q=1.0      | true",
        "x-gzip                   | true",
        "*                        | true",
        "*;q=0.1, br              | true",
        "gzip;q=0                 | false",
        "gzip;q=0.000             | false",
        "*, gzip;q=0              | false",
        "*;q=0                    | false",
        "identity                 | false",
        "br, deflate              | false",
        "''                       | false",
        "NULL                     | false",
    })
    void acceptEncodingDecidesWhetherGzipIsAccepted(String header, boolean accepted) {
        assertThat(Gzip.acceptsGzip(header)).as("Accept-Encoding %s", header).isEqualTo(accepted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // case                                 | accepts | status           | Content-Type               | other header        | compress | Vary
        "compressible text                      | true    | 200 OK           | text/html; charset=utf-8   | X-A: 1               | true     | Accept-Encoding",
        "json                                   | true    | 201 Created      | application/json           | X-A: 1               | true     | Accept-Encoding",
        "vendor +json                           | true    | 200 OK           | application/problem+json   | X-A: 1               | true     | Accept-Encoding",
        "svg                                    | true    | 200 OK           | image/svg+xml              | X-A: 1               | true     | Accept-Encoding",
        "client does not accept: Vary only      | false   | 200 OK           | text/plain                 | X-A: 1               | false    | Accept-Encoding",
        "existing Vary is extended              | true    | 200 OK           | text/plain                 | Vary: Cookie         | true     | 'Cookie, Accept-Encoding'",
        "large declared length                  | true    | 200 OK           | text/plain                 | Content-Length: 4096 | true     | Accept-Encoding",
        "small declared length: untouched       | true    | 200 OK           | text/plain                 | Content-Length: 100  | false    | ''",
        "already encoded: untouched             | true    | 200 OK           | text/plain                 | Content-Encoding: br | false    | ''",
        "no-transform: untouched                | true    | 200 OK           | text/plain                 | Cache-Control: no-transform | false | ''",
        "png: untouched                         | true    | 200 OK           | image/png                  | X-A: 1               | false    | ''",
        "event stream: untouched                | true    | 200 OK           | text/event-stream          | X-A: 1               | false    | ''",
        "204: untouched                         | true    | 204 No Content   | text/plain                 | X-A: 1               | false    | ''",
        "206: untouched                         | true    | 206 Partial Content | text/plain              | X-A: 1               | false    | ''",
        "304: untouched                         | true    | 304 Not Modified | text/plain                 | X-A: 1               | false    | ''",
    })
    void planFollowsTheRules(String scenario, boolean accepts, String status, String type, String other,
            boolean compress, String vary) {
        String[] kv = other.split(": ", 2);
        List<Header> headers = List.of(new Header("Content-Type", type), new Header(kv[0], kv[1]));

        Gzip.Plan plan = Gzip.plan(accepts, status, headers, Gzip.DEFAULT_MINIMUM_SIZE);

        assertThat(plan.compress()).as("%s: compress", scenario).isEqualTo(compress);
        assertThat(HeaderList.get(plan.headers(), "Vary")).as("%s: Vary", scenario).isEqualTo(vary.isEmpty() ? null : vary);
        if (compress) {
            assertThat(HeaderList.get(plan.headers(), "Content-Encoding")).as("%s: Content-Encoding", scenario).isEqualTo("gzip");
            assertThat(HeaderList.get(plan.headers(), "Content-Length")).as("%s: the length changes", scenario).isNull();
        } else if (vary.isEmpty()) {
            assertThat(plan.headers()).as("%s: headers untouched", scenario).isEqualTo(headers);
        }
    }

    @Test
    void strongEtagBecomesWeakWhenCompressed() {
        List<Header> headers = List.of(new Header("Content-Type", "text/css"), new Header("ETag", "\"abc\""));

        Gzip.Plan plan = Gzip.plan(true, "200 OK", headers, 0);

        assertThat(HeaderList.get(plan.headers(), "ETag")).as("a compressed body is another representation")
                .isEqualTo("W/\"abc\"");
    }

    @Test
    void synchronousBodyIsCompressedOneBlockPerChunkAndDecodesWhole() throws Exception {
        // given: an app yielding three text chunks and an empty one, without Content-Length
        Closing body = Closing.of("Hello, ", "", "compressed ", "world");
        Application app = new Gzip(fixed(TEXT, body));

        // when
        MockResponse response = gzipRequest(app, "/").send();

        // then
        assertThat(response.header("Content-Encoding")).as("compressed").isEqualTo("gzip");
        assertThat(response.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(response.header("Content-Length")).as("the length is not known in advance").isNull();
        assertThat(Bodies.gunzip(response.body())).as("the body decodes, trailer checked").isEqualTo("Hello, compressed world");
        assertThat(response.chunks()).as("one block per non-empty chunk, plus the trailer").hasSize(4);
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(body.closes).as("close() passed through exactly once").hasValue(1);
    }

    @Test
    void emptyChunksStayEmptyAndEachChunkOutMatchesOneChunkIn() throws Exception {
        // given
        Closing body = Closing.of("a", "", "b", "");
        Application app = new Gzip(fixed(TEXT, body));

        // when: iterated directly, so empty chunks are visible
        Bodies.Direct direct = Bodies.iterate(app, EnvironBuilder.of("GET", "/").header("Accept-Encoding", ACCEPT).build());

        // then
        assertThat(direct.chunks).as("4 chunks in, 4 out, and the trailer").hasSize(5);
        assertThat(direct.chunks.get(1)).as("an empty chunk passes through empty").isEmpty();
        assertThat(direct.chunks.get(3)).as("an empty chunk passes through empty").isEmpty();
        assertThat(direct.chunks.get(0)).as("a non-empty chunk is a non-empty block").isNotEmpty();
        assertThat(body.pulls).as("the inner body is pulled once per chunk out").hasValue(4);
    }

    @Test
    void clientWithoutGzipGetsTheBodyAsIsWithVary() {
        // given
        Application app = new Gzip(fixed(TEXT, Closing.of("plain")));

        // when
        MockResponse response = MockContainer.of(app).get("/").send();

        // then
        assertThat(response.header("Content-Encoding")).isNull();
        assertThat(response.header("Vary")).as("the answer depended on Accept-Encoding").isEqualTo("Accept-Encoding");
        assertThat(response.text()).isEqualTo("plain");
    }

    @Test
    void smallDeclaredBodyIsLeftAlone() {
        // given
        List<Header> headers = List.of(new Header("Content-Type", "text/plain"), new Header("Content-Length", "5"));
        Application app = new Gzip(fixed(headers, Closing.of("small")));

        // when
        MockResponse response = gzipRequest(app, "/").send();

        // then
        assertThat(response.header("Content-Encoding")).isNull();
        assertThat(response.header("Content-Length")).isEqualTo("5");
        assertThat(response.text()).isEqualTo("small");
    }

    @Test
    void legacyWriteIsCompressedIntoTheSameStream() throws Exception {
        // given: an app that writes, then yields
        Application inner = (env, start) -> {
            start.start("200 OK", TEXT).write(bytes("written "));
            return List.of(bytes("yielded"));
        };

        // when
        MockResponse response = gzipRequest(new Gzip(inner), "/").send();

        // then
        assertThat(Bodies.gunzip(response.body())).isEqualTo("written yielded");
    }

    @Test
    void sleepingAppIsStreamedBlockByBlockAndClosedOnce() throws Exception {
        // given: an app that sleeps until the test feeds it
        Sleeper app = new Sleeper(TEXT);
        MockExchange exchange = gzipRequest(new Gzip(app), "/stream").start();
        assertThat(exchange.chunks()).as("asleep, nothing sent yet").isEmpty();

        // when: woken with one chunk
        app.feed("first line\n");

        // then: that chunk alone arrived, decodable at once
        assertThat(exchange.chunks()).as("one block for one chunk").hasSize(1);
        assertThat(Bodies.gunzipPrefix(exchange.response().body())).as("the sync flush makes it decodable now")
                .isEqualTo("first line\n");
        assertThat(exchange.isSleeping()).as("the response sleeps again").isTrue();

        // when: woken with a second chunk
        app.feed("second line\n");

        // then
        assertThat(exchange.chunks()).hasSize(2);
        assertThat(Bodies.gunzipPrefix(exchange.response().body())).isEqualTo("first line\nsecond line\n");

        // when: the app ends
        app.finish();

        // then
        MockResponse response = exchange.awaitDone();
        assertThat(response.isAborted()).as("completed, not cut").isFalse();
        assertThat(Bodies.gunzip(response.body())).isEqualTo("first line\nsecond line\n");
        assertThat(app.sleeps.get()).as("the app slept between chunks").isGreaterThanOrEqualTo(3);
        assertThat(app.closes).as("close() passed through exactly once").hasValue(1);
    }

    @Test
    void headResponseGetsTheGzipHeadersButNoBodyBytes() {
        // given: a HEAD whose app yields no body (as Head makes it)
        Application app = new Gzip(fixed(TEXT, Closing.of("", "")));

        // when
        MockResponse response = MockContainer.of(app).head("/").header("Accept-Encoding", ACCEPT).send();

        // then
        assertThat(response.header("Content-Encoding")).as("headers as for GET").isEqualTo("gzip");
        assertThat(response.body()).as("not even an empty gzip stream").isEmpty();
    }

    @Test
    void emptyGetBodyIsAnEmptyGzipStream() throws Exception {
        MockResponse response = gzipRequest(new Gzip(fixed(TEXT, Closing.of())), "/").send();

        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(Bodies.gunzip(response.body())).isEmpty();
    }

    @Test
    void clientLeavingWhileAppSleepsClosesItOnce() {
        // given
        Sleeper app = new Sleeper(TEXT);
        MockExchange exchange = gzipRequest(new Gzip(app), "/stream").start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();
        app.feed("x");
        assertThat(exchange.chunks()).as("one block out, asleep again").hasSize(1);

        // when
        exchange.disconnect();

        // then
        assertThat(exchange.isDone()).isTrue();
        assertThat(app.closes).hasValue(1);
    }
}
