package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.middleware.Byteranges;
import io.jwsgi.middleware.StaticFiles;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** StaticFiles' multi-range and precompressed responses, read off a real socket. */
class StaticFilesIT {

    private static final String SCRIPT = "export const greeting = 'hello from a precompressed file';\n".repeat(50);
    private static final byte[] DATA = randomBytes();
    private static final Path files = staticFiles();

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("", "/*", new JwsgiServlet(StaticFiles.directory(files).precompressed())));

    private static byte[] randomBytes() {
        byte[] data = new byte[300_000];
        new Random(9).nextBytes(data);
        return data;
    }

    private static Path staticFiles() {
        try {
            Path dir = Files.createTempDirectory("jwsgi-static-it");
            Files.write(dir.resolve("data.bin"), DATA);
            Files.writeString(dir.resolve("app.js"), SCRIPT);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(SCRIPT.getBytes(StandardCharsets.UTF_8));
            }
            Files.write(dir.resolve("app.js.gz"), gz.toByteArray());
            for (String name : List.of("app.js.gz", "app.js", "data.bin", "")) {
                dir.resolve(name).toFile().deleteOnExit();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void severalRangesArriveAsAParsableMultipartByteranges() throws IOException {
        RawResponse response;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/data.bin", "Range: bytes=250000-299999, 0-99, 100000-165535, -10");
            response = conn.readResponse();
        }

        assertThat(response.status()).as("status on %s", server.name()).isEqualTo(206);
        assertThat(response.complete()).as("the whole body on %s", server.name()).isTrue();
        assertThat(response.header("Content-Length")).as("exact length on %s", server.name())
                .isEqualTo(Integer.toString(response.body().length));
        List<Byteranges.Part> parts = Byteranges.parse(response.header("Content-Type"), response.body());
        assertThat(parts).extracting(p -> p.first() + "-" + p.last()).as("parts on %s", server.name())
                .containsExactly("0-99", "100000-165535", "250000-299999");
        for (Byteranges.Part part : parts) {
            assertThat(part.total()).isEqualTo(DATA.length);
            assertThat(part.headers()).containsEntry("content-type", "application/octet-stream");
            assertThat(Arrays.equals(part.data(), Arrays.copyOfRange(DATA, (int) part.first(), (int) part.last() + 1)))
                    .as("bytes of %s on %s", part.headers().get("content-range"), server.name()).isTrue();
        }
    }

    @Test
    void gzipSiblingIsServedWithVaryAndDecodesToTheFile() throws IOException {
        RawResponse gzipped;
        RawResponse plain;
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/app.js", "Accept-Encoding: br;q=0, gzip;q=0.8");
            gzipped = conn.readResponse();
        }
        try (RawConnection conn = RawConnection.open(server.port())) {
            conn.get("/app.js");
            plain = conn.readResponse();
        }

        assertThat(gzipped.status()).as("status on %s", server.name()).isEqualTo(200);
        assertThat(gzipped.header("Content-Encoding")).as("coding on %s", server.name()).isEqualTo("gzip");
        assertThat(gzipped.header("Vary")).as("Vary on %s", server.name()).containsIgnoringCase("Accept-Encoding");
        assertThat(gzipped.header("Content-Type")).startsWith("text/javascript");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(SCRIPT);
        }
        assertThat(plain.header("Content-Encoding")).as("no Accept-Encoding on %s", server.name()).isNull();
        assertThat(plain.header("Vary")).as("Vary on the plain file too, on %s", server.name())
                .containsIgnoringCase("Accept-Encoding");
        assertThat(plain.text()).isEqualTo(SCRIPT);
        assertThat(plain.header("ETag")).isNotEqualTo(gzipped.header("ETag"));
    }
}
