package io.jwsgi.middleware;

import static io.jwsgi.middleware.Bodies.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.app.FileWrapper;
import io.jwsgi.fixture.Sleeper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticFilesTest {

    private static final String HELLO = "hello, static world\n";
    private static final Instant MODIFIED = Instant.parse("2026-03-01T10:15:30Z");
    private static final String LAST_MODIFIED = "Sun, 01 Mar 2026 10:15:30 GMT";

    @TempDir
    Path tmp;
    private Path root;
    private byte[] big;

    @BeforeEach
    void createFiles() throws IOException {
        root = Files.createDirectories(tmp.resolve("public"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.writeString(root.resolve("hello.txt"), HELLO);
        Files.setLastModifiedTime(root.resolve("hello.txt"), FileTime.from(MODIFIED));
        Files.writeString(root.resolve("index.html"), "<!DOCTYPE html><title>home</title>");
        Files.createDirectories(root.resolve("css"));
        Files.writeString(root.resolve("css/app.css"), "body { margin: 0 }");
        Files.writeString(root.resolve(".env"), "TOP SECRET");
        Files.writeString(root.resolve("empty.txt"), "");
        big = new byte[200 * 1024 + 100];
        new Random(42).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        Files.createSymbolicLink(root.resolve("link-out.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dir-out"), outside);
        Files.createSymbolicLink(root.resolve("link-in.txt"), root.resolve("hello.txt"));
    }

    private StaticFiles files() {
        return StaticFiles.directory(root);
    }

    /** A request whose PATH_INFO is {@code path} as given, already decoded as by a server. */
    private static MockRequest request(Application app, String method, String path) {
        return MockContainer.of(app).request(method, "/").environ(Environ.PATH_INFO, path);
    }

    /** Serves a GET of {@code path}, with environ keys and values given in pairs. */
    private static MockResponse get(Application app, String path, String... keysAndValues) {
        MockRequest request = request(app, "GET", path);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            request.environ(keysAndValues[i], keysAndValues[i + 1]);
        }
        return request.send();
    }

    private static void assertCompleted(MockResponse response) {
        assertThat(response.isEnded() && !response.isAborted()).as("completed, not cut: %s", response).isTrue();
    }

    /** A server file wrapper that records the channels it is given. */
    static FileWrapper recording(List<ReadableByteChannel> channels) {
        return (channel, length, blockSize) -> {
            channels.add(channel);
            return FileWrapper.DEFAULT.wrap(channel, length, blockSize);
        };
    }

    @Test
    void fileIsServedWithTypeLengthAndValidators() {
        MockResponse response = get(files(), "/hello.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo(HELLO);
        assertThat(response.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(HELLO.length()));
        assertThat(response.header("Last-Modified")).isEqualTo(LAST_MODIFIED);
        assertThat(response.header("ETag")).isEqualTo("\"" + Long.toHexString(HELLO.length()) + "-"
                + Long.toHexString(MODIFIED.toEpochMilli()) + "\"");
        assertThat(response.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(response.header("Cache-Control")).as("only when maxAge is set").isNull();
        assertCompleted(response);
    }

    @Test
    void directoryPathServesItsIndexAndMaxAgeSetsCacheControl() {
        MockResponse response = get(files().maxAge(Duration.ofHours(1)), "/");

        assertThat(response.text()).isEqualTo("<!DOCTYPE html><title>home</title>");
        assertThat(response.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(response.header("Cache-Control")).isEqualTo("public, max-age=3600");
    }

    @Test
    void directoryWithoutTrailingSlashAndMissingFilesAre404() {
        assertThat(get(files(), "/css").status()).isEqualTo(404);
        assertThat(get(files(), "/css/").status()).as("no index.html there").isEqualTo(404);
        assertThat(get(files(), "/missing.txt").status()).isEqualTo(404);
    }

    @Test
    void headSendsHeadersWithoutOpeningTheFile() {
        MockResponse response = MockContainer.of(files()).head("/hello.txt")
                .environ(FileWrapper.KEY, (FileWrapper) (channel, length, blockSize) -> {
                    throw new AssertionError("HEAD must not open the file");
                })
                .send();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(HELLO.length()));
        assertThat(response.body()).isEmpty();
    }

    @Test
    void otherMethodsGet405WithAllow() {
        MockResponse response = request(files(), "POST", "/hello.txt").send();

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.header("Allow")).isEqualTo("GET, HEAD");
    }

    @ParameterizedTest(name = "{0}: {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "matching tag              | HTTP_IF_NONE_MATCH     | ETAG                               | 304",
        "weak form of the tag      | HTTP_IF_NONE_MATCH     | W/ETAG                             | 304",
        "tag in a list             | HTTP_IF_NONE_MATCH     | '\"x\", ETAG'                      | 304",
        "any tag                   | HTTP_IF_NONE_MATCH     | *                                  | 304",
        "other tag                 | HTTP_IF_NONE_MATCH     | '\"other\"'                        | 200",
        "same date                 | HTTP_IF_MODIFIED_SINCE | 'Sun, 01 Mar 2026 10:15:30 GMT'    | 304",
        "later date                | HTTP_IF_MODIFIED_SINCE | 'Mon, 02 Mar 2026 00:00:00 GMT'    | 304",
        "earlier date              | HTTP_IF_MODIFIED_SINCE | 'Sun, 01 Mar 2026 10:15:29 GMT'    | 200",
        "unparsable date           | HTTP_IF_MODIFIED_SINCE | yesterday                          | 200",
    })
    void conditionalGet(String scenario, String key, String value, int status) {
        String etag = "\"" + Long.toHexString(HELLO.length()) + "-" + Long.toHexString(MODIFIED.toEpochMilli()) + "\"";

        MockResponse response = get(files(), "/hello.txt", key, value.replace("ETAG", etag));

        assertThat(response.status()).as(scenario).isEqualTo(status);
        if (status == 304) {
            assertThat(response.body()).isEmpty();
            assertThat(response.header("ETag")).isEqualTo(etag);
            assertThat(response.header("Content-Length")).isNull();
        } else {
            assertThat(response.text()).isEqualTo(HELLO);
        }
    }

    @Test
    void ifNoneMatchWinsOverIfModifiedSince() {
        MockResponse response = get(files(), "/hello.txt", "HTTP_IF_NONE_MATCH", "\"other\"",
                "HTTP_IF_MODIFIED_SINCE", LAST_MODIFIED);

        assertThat(response.status()).as("a changed tag means changed, whatever the date").isEqualTo(200);
    }

    @ParameterizedTest(name = "Range {0} -> {1} {2} \"{3}\"")
    @CsvSource(delimiter = '|', value = {
        "bytes=0-4        | 206 | bytes 0-4/20   | hello",
        "bytes=7-12       | 206 | bytes 7-12/20  | static",
        "bytes=-6         | 206 | bytes 14-19/20 | world\\n",
        "bytes=14-        | 206 | bytes 14-19/20 | world\\n",
        "bytes=14-1000    | 206 | bytes 14-19/20 | world\\n",
        "bytes=0-1,4-5    | 206 | bytes 0-5/20   | hello,",
        "bytes=oops       | 200 | ''             | ALL",
    })
    void singleSuffixAndOpenRangesAreServedPartially(String range, int status, String contentRange, String body) {
        MockResponse response = get(files(), "/hello.txt", "HTTP_RANGE", range);

        assertThat(response.status()).isEqualTo(status);
        String expected = body.equals("ALL") ? HELLO : body.replace("\\n", "\n");
        assertThat(response.text()).isEqualTo(expected);
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(expected.length()));
        assertThat(response.header("Content-Range")).isEqualTo(contentRange.isEmpty() ? null : contentRange);
        assertCompleted(response);
    }

    @ParameterizedTest(name = "Range {0} -> 416")
    @CsvSource({"bytes=20-", "bytes=100-200", "bytes=-0"})
    void unsatisfiableRangeIs416WithTheLength(String range) {
        MockResponse response = get(files(), "/hello.txt", "HTTP_RANGE", range);

        assertThat(response.status()).isEqualTo(416);
        assertThat(response.header("Content-Range")).isEqualTo("bytes */20");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void ifRangeNamingAnotherVersionGivesTheWholeFile() {
        MockResponse stale = get(files(), "/hello.txt", "HTTP_RANGE", "bytes=0-4", "HTTP_IF_RANGE", "\"old\"");
        MockResponse current = get(files(), "/hello.txt", "HTTP_RANGE", "bytes=0-4", "HTTP_IF_RANGE", LAST_MODIFIED);

        assertThat(stale.status()).isEqualTo(200);
        assertThat(stale.text()).isEqualTo(HELLO);
        assertThat(current.status()).isEqualTo(206);
        assertThat(current.text()).isEqualTo("hello");
    }

    @Test
    void largeFileIsSentInBlocksNeverWhole() {
        MockResponse response = get(files(), "/big.bin");

        assertThat(response.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(response.chunks()).as("64 KiB blocks").extracting(c -> c.length)
                .containsExactly(65536, 65536, 65536, big.length - 3 * 65536);
        assertThat(response.body()).isEqualTo(big);
    }

    @Test
    void blockSizeIsConfigurableAndRangesOfLargeFilesAreExact() {
        MockResponse response = get(files().blockSize(1000), "/big.bin", "HTTP_RANGE", "bytes=100000-102499");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.chunks()).extracting(c -> c.length).containsExactly(1000, 1000, 500);
        assertThat(response.body()).isEqualTo(java.util.Arrays.copyOfRange(big, 100000, 102500));
    }

    @Test
    void emptyFileIsServedEmpty() {
        MockResponse response = get(files(), "/empty.txt");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Length")).isEqualTo("0");
        assertCompleted(response);
    }

    @ParameterizedTest(name = "{0}: PATH_INFO {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // the attempt as sent                  | PATH_INFO as the server decodes it | status
        "dot-dot segments                       | /../outside/secret.txt             | 400",
        "dot-dot inside a path                  | /css/../../outside/secret.txt      | 400",
        "encoded dots %2e%2e                    | /../outside/secret.txt             | 400",
        "encoded slash ..%2F                    | /..//outside/secret.txt            | 400",
        "double-encoded slash %252F             | /..%2Foutside%2Fsecret.txt         | 400",
        "double-encoded dots %252e              | /%2e%2e/outside/secret.txt         | 400",
        "encoded backslash %5C                  | /..\\outside\\secret.txt           | 400",
        "double-encoded backslash %255C         | /..%5Coutside%5Csecret.txt         | 400",
        "NUL byte %00                           | /hello.txt\u0000.png               | 400",
        "double-encoded NUL %2500               | /hello.txt%00.png                  | 400",
        "absolute path //                       | //etc/passwd                       | 400",
        "drive letter                           | /C:/Windows/win.ini                | 400",
        "hidden file                            | /.env                              | 404",
        "symlink to a file outside the root     | /link-out.txt                      | 404",
        "symlink to a directory outside         | /dir-out/secret.txt                | 404",
    })
    void traversalAttemptsAreRefusedWithoutDisclosure(String attempt, String pathInfo, int status) {
        MockResponse response = get(files(), pathInfo.replace("\\u0000", "\0"));

        assertThat(response.status()).as(attempt).isEqualTo(status);
        assertThat(response.text()).as(attempt + ": nothing of the file").doesNotContain("TOP SECRET")
                .isEqualTo(status == 400 ? "400 Bad Request\n" : "404 Not Found\n");
    }

    @Test
    void absolutePathOfAFileOutsideIsNotServed() {
        String absolute = tmp.resolve("outside/secret.txt").toAbsolutePath().toString();

        MockResponse response = get(files(), "/" + absolute);

        assertThat(response.status()).isIn(400, 404);
        assertThat(response.text()).doesNotContain("TOP SECRET");
    }

    @Test
    void symlinkInsideTheRootIsServed() {
        assertThat(get(files(), "/link-in.txt").text()).isEqualTo(HELLO);
    }

    @Test
    void withAFallbackEveryUnservedRequestGoesToTheAppNeverToAFile() {
        // given
        Application app = (env, start) -> {
            start.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return List.of(bytes("app " + env.get(Environ.REQUEST_METHOD) + " " + env.get(Environ.PATH_INFO)));
        };
        StaticFiles stack = files().fallback(app);

        // then
        assertThat(get(stack, "/hello.txt").text()).as("files first").isEqualTo(HELLO);
        assertThat(get(stack, "/chat/poll").text()).isEqualTo("app GET /chat/poll");
        assertThat(get(stack, "/../outside/secret.txt").text()).as("refused paths are the app's business")
                .isEqualTo("app GET /../outside/secret.txt");
        assertThat(get(stack, "/link-out.txt").text()).isEqualTo("app GET /link-out.txt");
        assertThat(request(stack, "POST", "/hello.txt").send().text()).isEqualTo("app POST /hello.txt");
    }

    @Test
    void bodyComesFromTheEnvironsFileWrapperAndItsChannelIsClosed() {
        // given: a server-provided file wrapper that records the channels it is given
        List<ReadableByteChannel> channels = new ArrayList<>();

        // when
        MockResponse response = request(files(), "GET", "/hello.txt")
                .environ(FileWrapper.KEY, recording(channels)).send();

        // then
        assertThat(response.text()).isEqualTo(HELLO);
        assertThat(channels).hasSize(1);
        assertThat(channels.get(0).isOpen()).as("closed when the response ended").isFalse();
    }

    @Test
    void clientLeavingMidFileClosesTheFile() {
        // given: 1-byte blocks, and a client that took 3 of them and stopped reading
        List<ReadableByteChannel> channels = new ArrayList<>();
        MockExchange exchange = request(files().blockSize(1), "GET", "/hello.txt")
                .environ(FileWrapper.KEY, recording(channels)).clientTakes(3).start();
        assertThat(exchange.isAwaitingClient()).as("mid-file, waiting for the client").isTrue();
        assertThat(exchange.text()).isEqualTo(HELLO.substring(0, 3));
        assertThat(channels.get(0).isOpen()).as("open while the file is sent").isTrue();

        // when
        exchange.disconnect();

        // then
        assertThat(exchange.isDone()).isTrue();
        assertThat(exchange.response().body().length).isLessThan(HELLO.length());
        assertThat(channels.get(0).isOpen()).isFalse();
    }

    @Test
    void sleepingAppBehindTheFilesStreamsChunkByChunkAndClosesOnce() {
        // given
        Sleeper app = new Sleeper(List.of(new Header("Content-Type", "text/plain")));
        MockExchange exchange = request(files().fallback(app), "GET", "/events").start();
        assertThat(exchange.isSleeping()).as("asleep until fed").isTrue();

        // when / then
        app.feed("e1");
        assertThat(exchange.response().textChunks()).containsExactly("e1");
        app.feed("e2");
        assertThat(exchange.response().textChunks()).containsExactly("e1", "e2");
        app.finish();

        assertCompleted(exchange.awaitDone());
        assertThat(app.closes).hasValue(1);
    }

    @Test
    void classpathResourcesAreServedFromDirectories() {
        StaticFiles classpath = StaticFiles.classpath("static-fixture", getClass().getClassLoader());

        assertThat(get(classpath, "/hello.txt").text()).isEqualTo("hello from the classpath\n");
        assertThat(get(classpath, "/sub/").text()).isEqualTo("<!DOCTYPE html><title>index</title>\n");
        assertThat(get(classpath, "/.hidden").status()).isEqualTo(404);
        assertThat(get(classpath, "/../static-fixture/hello.txt").status()).isEqualTo(400);
        assertThat(get(classpath, "/missing").status()).isEqualTo(404);
    }

    @Test
    void classpathResourcesAreServedFromJarsWithRanges() throws Exception {
        // given: a jar holding web/app.js and the directory web/lib/
        Path jar = tmp.resolve("site.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry js = new JarEntry("web/app.js");
            js.setTime(MODIFIED.toEpochMilli());
            out.putNextEntry(js);
            out.write(bytes("console.log('jar');\n"));
            out.closeEntry();
            out.putNextEntry(new JarEntry("web/lib/"));
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            StaticFiles classpath = StaticFiles.classpath("/web/", loader);

            // when
            MockResponse whole = get(classpath, "/app.js");
            MockResponse part = get(classpath, "/app.js", "HTTP_RANGE", "bytes=-6");

            // then
            assertThat(whole.text()).isEqualTo("console.log('jar');\n");
            assertThat(whole.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
            assertThat(whole.header("Last-Modified")).isEqualTo(LAST_MODIFIED);
            assertThat(part.status()).isEqualTo(206);
            assertThat(part.text()).isEqualTo("ar');\n");
            assertThat(get(classpath, "/lib").status()).as("a directory entry is not a file").isEqualTo(404);
            assertThat(get(classpath, "/lib/").status()).as("no index there").isEqualTo(404);
        }
    }

    @Test
    void configurationMistakesAreNamed() {
        assertThatThrownBy(() -> StaticFiles.directory(tmp.resolve("nope"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be an existing directory");
        assertThatThrownBy(() -> StaticFiles.classpath("/")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a package prefix");
        assertThatThrownBy(() -> files().indexFile("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
