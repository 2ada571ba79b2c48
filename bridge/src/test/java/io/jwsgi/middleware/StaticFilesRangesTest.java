package io.jwsgi.middleware;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.app.FileWrapper;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockExchange;
import io.jwsgi.testing.MockRequest;
import io.jwsgi.testing.MockResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** StaticFiles' multi-range responses, If-Range and precompressed siblings. */
class StaticFilesRangesTest {

    private static final Instant MODIFIED = Instant.parse("2026-03-01T10:15:30Z");
    private static final String LAST_MODIFIED = "Sun, 01 Mar 2026 10:15:30 GMT";
    private static final String SCRIPT = "console.log('hello, precompressed world');\n".repeat(40);

    @TempDir
    Path root;
    private byte[] big;
    private byte[] gz;
    private byte[] br;

    @BeforeEach
    void createFiles() throws IOException {
        big = new byte[200 * 1024];
        new Random(7).nextBytes(big);
        write("big.bin", big);
        write("app.js", SCRIPT.getBytes(StandardCharsets.UTF_8));
        gz = gzip(SCRIPT.getBytes(StandardCharsets.UTF_8));
        write("app.js.gz", gz);
        // Brotli bytes are opaque to the server: any distinct content shows which file was sent.
        br = "not really brotli, but the .br sibling".getBytes(StandardCharsets.US_ASCII);
        write("app.js.br", br);
        write("old.css", "body { color: red }".getBytes(StandardCharsets.US_ASCII));
        write("old.css.gz", gzip("body { color: blue }".getBytes(StandardCharsets.US_ASCII)));
        Files.setLastModifiedTime(root.resolve("old.css.gz"), FileTime.from(MODIFIED.minusSeconds(60)));
    }

    private void write(String name, byte[] content) throws IOException {
        Files.write(root.resolve(name), content);
        Files.setLastModifiedTime(root.resolve(name), FileTime.from(MODIFIED));
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }

    private static MockRequest request(Application app, String path, String... keysAndValues) {
        MockRequest request = MockContainer.of(app).get("/").environ(Environ.PATH_INFO, path);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                request.environ(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return request;
    }

    private static MockResponse get(Application app, String path, String... keysAndValues) {
        return request(app, path, keysAndValues).send();
    }

    private StaticFiles files() {
        return StaticFiles.directory(root);
    }

    @Test
    void severalRangesAreSentAsMultipartByteranges() {
        List<ReadableByteChannel> channels = new ArrayList<>();
        MockResponse response = get(files().blockSize(4096), "/big.bin", "HTTP_RANGE", "bytes=-50, 0-99,100000-110000",
                FileWrapper.KEY, null);
        MockResponse recorded = request(files(), "/big.bin", "HTTP_RANGE", "bytes=-50, 0-99,100000-110000")
                .environ(FileWrapper.KEY, StaticFilesTest.recording(channels)).send();

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Range")).as("only inside the parts").isNull();
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(response.body().length));
        List<Byteranges.Part> parts = Byteranges.parse(response.header("Content-Type"), response.body());
        assertThat(parts).extracting(p -> p.first() + "-" + p.last() + "/" + p.total())
                .as("ascending, whatever the order asked").containsExactly(
                        "0-99/" + big.length, "100000-110000/" + big.length,
                        (big.length - 50) + "-" + (big.length - 1) + "/" + big.length);
        for (Byteranges.Part part : parts) {
            assertThat(part.headers()).containsEntry("content-type", "application/octet-stream");
            assertThat(part.data()).isEqualTo(Arrays.copyOfRange(big, (int) part.first(), (int) part.last() + 1));
        }
        assertThat(recorded.body()).hasSameSizeAs(response.body());
        assertThat(channels).as("one file region per part").hasSize(3)
                .allSatisfy(channel -> assertThat(channel.isOpen()).as("closed once sent").isFalse());
    }

    @Test
    void overlappingRangesAreMergedIntoOnePart() {
        MockResponse response = get(files(), "/big.bin", "HTTP_RANGE", "bytes=0-99,50-149,0-0,120-");

        assertThat(response.status()).isEqualTo(206);
        assertThat(response.header("Content-Range")).isEqualTo("bytes 0-" + (big.length - 1) + "/" + big.length);
        assertThat(response.body()).as("each byte once").isEqualTo(big);
    }

    @Test
    void clientLeavingMidPartClosesTheOpenRange() {
        List<ReadableByteChannel> channels = new ArrayList<>();
        MockExchange exchange = request(files().blockSize(10), "/big.bin", "HTTP_RANGE", "bytes=0-99,1000-1099")
                .environ(FileWrapper.KEY, StaticFilesTest.recording(channels)).clientTakes(3).start();
        assertThat(exchange.isAwaitingClient()).isTrue();
        assertThat(channels).hasSize(1);
        assertThat(channels.get(0).isOpen()).as("open while its part is sent").isTrue();

        exchange.disconnect();

        assertThat(exchange.isDone()).isTrue();
        assertThat(channels).hasSize(1).allSatisfy(channel -> assertThat(channel.isOpen()).isFalse());
    }

    @Test
    void unsatisfiableRangeSetIs416() {
        MockResponse response = get(files(), "/big.bin", "HTTP_RANGE", "bytes=300000-300001,400000-");

        assertThat(response.status()).isEqualTo(416);
        assertThat(response.header("Content-Range")).isEqualTo("bytes */" + big.length);
        assertThat(response.body()).isEmpty();
    }

    @ParameterizedTest(name = "If-Range {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "ETAG                             | 206",
        "W/ETAG                           | 200",
        "'\"other\"'                      | 200",
        "'Sun, 01 Mar 2026 10:15:30 GMT'  | 206",
        "'Sun, 01 Mar 2026 10:15:31 GMT'  | 200",
        "'Sun, 01 Mar 2026 10:15:29 GMT'  | 200",
        "yesterday                        | 200",
    })
    void ifRangeNeedsAnExactStrongValidator(String ifRange, int status) {
        String etag = get(files(), "/big.bin").header("ETag");

        MockResponse response = get(files(), "/big.bin", "HTTP_RANGE", "bytes=0-9,1000-1009",
                "HTTP_IF_RANGE", ifRange.replace("ETAG", etag));

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.body().length).isEqualTo(status == 200 ? big.length : Integer.parseInt(response.header("Content-Length")));
    }

    @Test
    void ifRangeDateOfAFileChangedWithinTheSecondIsWeak() throws IOException {
        // A modification time that is not at least one second in the past is a weak validator (RFC 9110 8.8.2.2).
        Instant future = Instant.now().plusSeconds(3600);
        Files.setLastModifiedTime(root.resolve("big.bin"), FileTime.from(future));
        String date = Conditional.httpDate(future.toEpochMilli());

        MockResponse response = get(files(), "/big.bin", "HTTP_RANGE", "bytes=0-9", "HTTP_IF_RANGE", date);

        assertThat(response.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Accept-Encoding \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "NULL                         | identity",
        "''                           | identity",
        "gzip                         | gzip",
        "br                           | br",
        "'gzip, br'                   | br",
        "'GZIP;Q=0.9, br;q=0.5'       | gzip",
        "x-gzip                       | gzip",
        "'br;q=0, gzip;q=0'           | identity",
        "*                            | br",
        "'*;q=0, identity'            | identity",
        "'*;q=0'                      | identity",
        "'identity;q=0, gzip;q=0.1'   | gzip",
        "'identity, gzip;q=0.5'       | identity",
        "'gzip;q=1.5'                 | identity",
        "'gzip;q=0.001'               | gzip",
        "'deflate, compress'          | identity",
    })
    void precompressedSiblingFollowsAcceptEncoding(String acceptEncoding, String coding) {
        MockResponse response = get(files().precompressed(), "/app.js", "HTTP_ACCEPT_ENCODING", acceptEncoding);

        byte[] expected = switch (coding) {
            case "gzip" -> gz;
            case "br" -> br;
            default -> SCRIPT.getBytes(StandardCharsets.UTF_8);
        };
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Encoding")).isEqualTo(coding.equals("identity") ? null : coding);
        assertThat(response.header("Content-Type")).as("the file's type, not the sibling's").startsWith("text/javascript");
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(expected.length));
        assertThat(response.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(Arrays.equals(response.body(), expected)).as("the %s representation's bytes", coding).isTrue();
    }

    @Test
    void eachCodingHasItsOwnEntityTagAndRangesCountEncodedBytes() {
        StaticFiles files = files().precompressed();
        String plain = get(files, "/app.js").header("ETag");
        String gzipTag = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip").header("ETag");
        String brTag = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "br").header("ETag");

        MockResponse range = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip", "HTTP_RANGE", "bytes=0-9",
                "HTTP_IF_RANGE", gzipTag);
        MockResponse notModified = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip", "HTTP_IF_NONE_MATCH", gzipTag);
        MockResponse otherCoding = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip", "HTTP_IF_NONE_MATCH", plain);
        MockResponse unsatisfiable = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip", "HTTP_RANGE",
                "bytes=" + gz.length + "-");

        assertThat(List.of(plain, gzipTag, brTag)).doesNotHaveDuplicates();
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.header("Content-Range")).isEqualTo("bytes 0-9/" + gz.length);
        assertThat(range.body()).isEqualTo(Arrays.copyOf(gz, 10));
        assertThat(range.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.header("Vary")).isEqualTo("Accept-Encoding");
        assertThat(otherCoding.status()).as("the identity tag does not name the gzip representation").isEqualTo(200);
        assertThat(unsatisfiable.status()).isEqualTo(416);
        assertThat(unsatisfiable.header("Content-Range")).isEqualTo("bytes */" + gz.length);
        assertThat(unsatisfiable.header("Vary")).isEqualTo("Accept-Encoding");
    }

    @Test
    void filesWithoutFreshSiblingsAreNotNegotiated() {
        MockResponse stale = get(files().precompressed(), "/old.css", "HTTP_ACCEPT_ENCODING", "gzip");
        MockResponse none = get(files().precompressed(), "/big.bin", "HTTP_ACCEPT_ENCODING", "gzip");
        MockResponse off = get(files(), "/app.js", "HTTP_ACCEPT_ENCODING", "gzip, br");

        assertThat(stale.text()).as("an older sibling is a leftover").isEqualTo("body { color: red }");
        assertThat(stale.header("Content-Encoding")).isNull();
        assertThat(stale.header("Vary")).isNull();
        assertThat(none.header("Vary")).isNull();
        assertThat(off.text()).as("precompressed() not set").isEqualTo(SCRIPT);
        assertThat(off.header("Vary")).isNull();
    }

    @Test
    void directoryIndexHasPrecompressedSiblingsToo() throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.writeString(root.resolve("docs/index.html"), "<p>docs</p>");
        Files.write(root.resolve("docs/index.html.gz"), gzip("<p>docs</p>".getBytes(StandardCharsets.UTF_8)));

        MockResponse response = get(files().precompressed(), "/docs/", "HTTP_ACCEPT_ENCODING", "gzip");

        assertThat(response.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(response.header("Content-Type")).startsWith("text/html");
    }

    @Test
    void jarResourcesGetSiblingsAndSeveralRangesToo() throws IOException {
        Path jar = root.resolve("static.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("static/app.js", "static/app.js.gz")) {
                JarEntry entry = new JarEntry(name);
                entry.setTime(MODIFIED.toEpochMilli());
                out.putNextEntry(entry);
                out.write(name.endsWith(".gz") ? gz : SCRIPT.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            StaticFiles files = StaticFiles.classpath("static", loader).precompressed();

            MockResponse gzipped = get(files, "/app.js", "HTTP_ACCEPT_ENCODING", "gzip");
            MockResponse parts = get(files, "/app.js", "HTTP_RANGE", "bytes=0-5,1000-1005");

            assertThat(gzipped.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(Arrays.equals(gzipped.body(), gz)).as("the .gz entry's bytes").isTrue();
            assertThat(Byteranges.parse(parts.header("Content-Type"), parts.body()))
                    .extracting(p -> new String(p.data(), StandardCharsets.UTF_8))
                    .containsExactly(SCRIPT.substring(0, 6), SCRIPT.substring(1000, 1006));
            assertThat(parts.header("Vary")).isEqualTo("Accept-Encoding");
        }
    }
}
