package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleAppsTest {

    /** Serves {@code app} in a mock container, waiting for responses as long as a busy machine may need. */
    static MockContainer serve(Application app) {
        return MockContainer.of(app).deadline(Duration.ofSeconds(20));
    }

    @Test
    void helloAnswersPlainText() {
        MockResponse hello = serve(new HelloApp()).get("/").scriptName("/hello").environ(Environ.PATH_INFO, "").send();

        assertThat(List.of(hello.status(), hello.header("Content-Type"), hello.text()))
                .as("status, type and body").containsExactly(200, "text/plain; charset=utf-8", "Hello, world\n");
    }

    @Test
    void indexLinksEveryApplicationRelatively() {
        MockResponse index = serve(new IndexApp()).get("/").send();

        assertThat(index.status()).as("status").isEqualTo(200);
        assertThat(index.text()).as("links, relative so any context path works")
                .contains("href=\"hello\"", "href=\"environ/", "href=\"stream/\"", "href=\"chat/\"", "href=\"upload/\"");
    }

    @Test
    void indexAnswers404ForOtherPaths() {
        MockResponse missing = serve(new IndexApp()).get("/no/such/page").send();

        assertThat(missing.status()).as("status").isEqualTo(404);
        assertThat(missing.text()).as("body names the path").isEqualTo("Nothing at /no/such/page\n");
    }

    @Test
    void environInspectorEscapesWhatTheClientSent() {
        // given a request header and a path meant to inject markup
        MockResponse page = serve(new EnvironApp()).get("/<b>?q=<i>").scriptName("/environ")
                .header("X-Probe", "<script>alert(1)</script>").send();

        // then every value shows escaped, and nothing of it as markup
        assertThat(page.text()).as("escaped rows")
                .contains("<tr><th>HTTP_X_PROBE</th><td class=\"type\">java.<wbr>lang.<wbr>String</td>"
                        + "<td class=\"value\">&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>")
                .contains("<th>PATH_INFO</th><td class=\"type\">java.<wbr>lang.<wbr>String</td><td class=\"value\">/&lt;b&gt;</td>")
                .contains("<th>async.wake</th><td class=\"type\">java.<wbr>lang.<wbr>Runnable</td><td class=\"value\">(a function)</td>")
                .doesNotContain("<script>", "<b>", "<i>");
    }

    @ParameterizedTest(name = "PATH_INFO \"{0}\" -> \"{1}\"")
    @CsvSource(value = {"'', ./", "/, ../", "/a, ../", "/a/, ../../", "/a/b, ../../"})
    void environInspectorLinksBackToTheMountDirectory(String pathInfo, String expected) {
        assertThat(EnvironApp.relativeRoot(Map.of("PATH_INFO", pathInfo))).as("relative root").isEqualTo(expected);
    }

    @Test
    void streamSendsEachLineAsItsOwnChunk() {
        // when the computation runs in five steps
        MockResponse stream = serve(new StreamApp()).get("/run?lines=5&interval=20").scriptName("/stream").send();

        // then the intro, five steps and the summary each went out flushed on their own
        List<String> chunks = stream.textChunks();
        assertThat(chunks).as("one chunk per line").hasSize(7).allMatch(c -> c.endsWith("\n") && c.indexOf('\n') == c.length() - 1);
        assertThat(chunks.subList(1, 6)).as("the steps count primes (pi(100000) = 9592 ...)").containsExactly(
                "step 1/5: 9592 primes below 100000\n", "step 2/5: 17984 primes below 200000\n",
                "step 3/5: 25997 primes below 300000\n", "step 4/5: 33860 primes below 400000\n",
                "step 5/5: 41538 primes below 500000\n");
        assertThat(chunks.get(6)).as("summary").startsWith("done: 41538 primes in ");
    }

    @Test
    void pausedStreamsHoldNoThread() {
        // given three streams that sent their first line and pause for a long time before the next
        StreamApp app = new StreamApp();
        List<MockExchange> streams = IntStream.range(0, 3)
                .mapToObj(i -> serve(app).get("/run?lines=2&interval=5000").scriptName("/stream").start()).toList();
        assertThat(streams).as("first lines").allMatch(s -> s.takeText().startsWith("Counting"));

        // when another request comes while all three pause
        MockResponse hello = serve(new HelloApp()).get("/").scriptName("/hello").environ(Environ.PATH_INFO, "").send();

        // then each pause is a suspended response, holding no thread, and none ended
        assertThat(hello.text()).as("served while three streams sleep").isEqualTo("Hello, world\n");
        assertThat(streams).as("streams asleep in their pause").allMatch(MockExchange::isSleeping);
        assertThat(streams).as("no stream ended yet").noneMatch(MockExchange::isDone);
        streams.forEach(MockExchange::disconnect);
        assertThat(streams).as("close() reached each stream once the client left")
                .allMatch(s -> s.closeCount() == 1);
        app.close();
    }

    @Test
    void streamRefusesOutOfRangeParameters() {
        MockResponse bad = serve(new StreamApp()).get("/run?lines=1000").scriptName("/stream").send();

        assertThat(List.of(bad.status(), bad.text())).as("status and message")
                .containsExactly(400, "expected a whole number from 1 to 100, got \"1000\"\n");
    }

    @Test
    void uploadReportsSizeAndSha256OfTheWholeBody() throws Exception {
        // given three megabytes of random bytes
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

        // when posted as a raw body
        MockResponse upload = serve(new UploadApp()).post("/", data).scriptName("/upload")
                .header("Content-Type", "application/octet-stream").send();

        // then the report gives the exact size and digest
        assertThat(upload.text()).as("report").isEqualTo("size: " + data.length + " bytes\nsha256: " + expected
                + "\ncontent-type: application/octet-stream\n");
    }

    @Test
    void uploadFormIsServedOnGetAndBarePathRedirects() {
        MockResponse form = serve(new UploadApp()).get("/").scriptName("/upload").send();
        MockResponse bare = serve(new UploadApp()).get("/").scriptName("/app/upload").environ(Environ.PATH_INFO, "")
                .send();

        assertThat(form.text()).as("the form").contains("<form id=\"upload\" method=\"post\"");
        assertThat(List.of(bare.status(), bare.header("Location"))).as("redirect keeps SCRIPT_NAME")
                .containsExactly(301, "/app/upload/");
    }
}
