package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SampleAppsTest {

    private final TestServer server = new TestServer(1);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void helloAnswersPlainText() {
        Exchange hello = server.get(new HelloApp(), "/hello", "").awaitEnd();

        assertThat(List.of(hello.code(), hello.header("Content-Type"), hello.body()))
                .as("status, type and body").containsExactly(200, "text/plain; charset=utf-8", "Hello, world\n");
    }

    @Test
    void indexLinksEveryApplicationRelatively() {
        Exchange index = server.get(new IndexApp(), "", "/").awaitEnd();

        assertThat(index.code()).as("status").isEqualTo(200);
        assertThat(index.body()).as("links, relative so any context path works")
                .contains("href=\"hello\"", "href=\"environ/", "href=\"stream/\"", "href=\"chat/\"", "href=\"upload/\"");
    }

    @Test
    void indexAnswers404ForOtherPaths() {
        Exchange missing = server.get(new IndexApp(), "", "/no/such/page").awaitEnd();

        assertThat(missing.code()).as("status").isEqualTo(404);
        assertThat(missing.body()).as("body names the path").isEqualTo("Nothing at /no/such/page\n");
    }

    @Test
    void environInspectorEscapesWhatTheClientSent() {
        // given a request header and a path meant to inject markup
        Exchange page = server.request(new EnvironApp(), "GET", "/environ", "/<b>?q=<i>",
                Map.of("X-Probe", "<script>alert(1)</script>"), new byte[0]).awaitEnd();

        // then every value shows escaped, and nothing of it as markup
        assertThat(page.body()).as("escaped rows")
                .contains("<tr><th>HTTP_X_PROBE</th><td class=\"type\">java.lang.String</td>"
                        + "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td></tr>")
                .contains("<th>PATH_INFO</th><td class=\"type\">java.lang.String</td><td>/&lt;b&gt;</td>")
                .contains("<th>async.wake</th><td class=\"type\">java.lang.Runnable</td><td>(a function)</td>")
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
        Exchange stream = server.get(new StreamApp(), "/stream", "/run?lines=5&interval=20").awaitEnd();

        // then the intro, five steps and the summary each went out flushed on their own
        List<String> chunks = stream.chunks();
        assertThat(chunks).as("one chunk per line").hasSize(7).allMatch(c -> c.endsWith("\n") && c.indexOf('\n') == c.length() - 1);
        assertThat(chunks.subList(1, 6)).as("the steps count primes (pi(100000) = 9592 ...)").containsExactly(
                "step 1/5: 9592 primes below 100000\n", "step 2/5: 17984 primes below 200000\n",
                "step 3/5: 25997 primes below 300000\n", "step 4/5: 33860 primes below 400000\n",
                "step 5/5: 41538 primes below 500000\n");
        assertThat(chunks.get(6)).as("summary").startsWith("done: 41538 primes in ");
    }

    @Test
    void pausedStreamsHoldNoThread() {
        // given an engine with ONE thread and three streams that pause for a long time between lines
        StreamApp app = new StreamApp();
        List<Exchange> streams = IntStream.range(0, 3)
                .mapToObj(i -> server.get(app, "/stream", "/run?lines=2&interval=5000")).toList();
        streams.forEach(s -> s.awaitBody("Counting"));

        // when another request comes while all three pause
        Exchange hello = server.get(new HelloApp(), "/hello", "").awaitEnd();

        // then it was served by the only thread, and the streams go on afterwards
        assertThat(hello.body()).as("served while three streams sleep").isEqualTo("Hello, world\n");
        assertThat(streams).as("no stream ended yet").noneMatch(Exchange::ended);
        streams.forEach(Exchange::leave);
        app.close();
    }

    @Test
    void streamRefusesOutOfRangeParameters() {
        Exchange bad = server.get(new StreamApp(), "/stream", "/run?lines=1000").awaitEnd();

        assertThat(List.of(bad.code(), bad.body())).as("status and message")
                .containsExactly(400, "expected a whole number from 1 to 100, got \"1000\"\n");
    }

    @Test
    void uploadReportsSizeAndSha256OfTheWholeBody() throws Exception {
        // given three megabytes of random bytes
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

        // when posted as a raw body
        Exchange upload = server.request(new UploadApp(), "POST", "/upload", "/",
                Map.of("Content-Type", "application/octet-stream"), data).awaitEnd();

        // then the report gives the exact size and digest
        assertThat(upload.body()).as("report").isEqualTo("size: " + data.length + " bytes\nsha256: " + expected
                + "\ncontent-type: application/octet-stream\n");
    }

    @Test
    void uploadFormIsServedOnGetAndBarePathRedirects() {
        Exchange form = server.get(new UploadApp(), "/upload", "/").awaitEnd();
        Exchange bare = server.get(new UploadApp(), "/app/upload", "").awaitEnd();

        assertThat(form.body()).as("the form").contains("<form id=\"upload\" method=\"post\"");
        assertThat(List.of(bare.code(), bare.header("Location"))).as("redirect keeps SCRIPT_NAME")
                .containsExactly(301, "/app/upload/");
    }
}
