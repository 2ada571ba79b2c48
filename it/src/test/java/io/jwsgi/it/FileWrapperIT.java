package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.app.FileBody;
import io.jwsgi.app.FileWrapper;
import io.jwsgi.servlet.JwsgiServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 64 MiB file through {@code wsgi.file_wrapper}, whole and as a range, arrives byte for byte
 * (SHA-256), and on a Servlet 6.1 container (Tomcat 11) every byte went to the container as a
 * mapped buffer ({@code BytesWrittenAsBuffers}), while on Servlet 6.0 (Tomcat 10.1, Jetty ee10)
 * none did: the slices were copied into arrays there.
 */
class FileWrapperIT {

    private static final long SIZE = 64L * 1024 * 1024;
    private static final long RANGE_OFFSET = 1_000_003;
    private static final long RANGE_LENGTH = 20L * 1024 * 1024 + 17;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final Path FILE = Path.of("target", "file-wrapper-it", "64MiB.bin");
    private static final String WHOLE_SHA256 = generate(FILE);

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment()
            .servlet("/files", "/*", new JwsgiServlet(fileApp())));

    /** {@code /whole} sends the file, {@code /range} a region of it, both with {@code Content-Length}. */
    private static Application fileApp() {
        return (environ, start) -> {
            boolean range = "/range".equals(environ.get("PATH_INFO"));
            long length = range ? RANGE_LENGTH : Files.size(FILE);
            start.start("200 OK", List.of(new Header("Content-Type", "application/octet-stream"),
                    new Header("Content-Length", Long.toString(length))));
            return range ? FileBody.of(FILE, RANGE_OFFSET, RANGE_LENGTH) : FileWrapper.of(environ).wrap(FILE);
        };
    }

    /** Writes the file (seeded random bytes); returns its SHA-256. */
    private static String generate(Path file) {
        try {
            Files.createDirectories(file.getParent());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[1024 * 1024];
            Random random = new Random(15);
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                for (long written = 0; written < SIZE; written += block.length) {
                    random.nextBytes(block);
                    out.write(block);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aLargeFileArrivesWholeAndOnServlet61AsBuffers() throws Exception {
        // when
        Received whole = get("/files/whole");

        // then
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.length()).as("bytes on %s", server.name()).isEqualTo(SIZE);
        assertThat(whole.sha256()).as("SHA-256 on %s", server.name()).isEqualTo(WHOLE_SHA256);
        assertWrittenAsBuffers(SIZE);
    }

    @Test
    void aRangeOfTheFileArrivesFromItsOffset() throws Exception {
        // when
        Received range = get("/files/range");

        // then
        assertThat(range.length()).as("bytes on %s", server.name()).isEqualTo(RANGE_LENGTH);
        assertThat(range.sha256()).as("SHA-256 on %s", server.name()).isEqualTo(sha256Of(RANGE_OFFSET, RANGE_LENGTH));
    }

    /** On Tomcat 11 all the file's bytes count as written from buffers; elsewhere none. */
    private static void assertWrittenAsBuffers(long bytes) throws Exception {
        ObjectName servlet = new ObjectName("io.jwsgi:type=Servlet,context=\"/files\",name=\"jwsgi-1\"");
        // The counters move after the write returned, which may be after the client read the last byte.
        Await.until(() -> "the response counted as completed on " + server.name(),
                () -> JMX.isRegistered(servlet) && (Integer) attribute(servlet, "Open") == 0
                        && (Long) attribute(servlet, "Completed") >= 1);
        long asBuffers = (Long) attribute(servlet, "BytesWrittenAsBuffers");
        long written = (Long) attribute(servlet, "BytesWritten");
        boolean servlet61 = server.name().equals("tomcat11");
        assertThat(asBuffers).as("BytesWrittenAsBuffers of %s written on %s", written, server.name())
                .isEqualTo(servlet61 ? written : 0L);
        assertThat(written).as("BytesWritten on %s", server.name()).isGreaterThanOrEqualTo(bytes);
    }

    private static Object attribute(ObjectName name, String attribute) {
        try {
            return JMX.getAttribute(name, attribute);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + attribute + " of " + name + ": " + e, e);
        }
    }

    private record Received(int status, long length, String sha256) {
    }

    private static Received get(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(server.uri(path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] buffer = new byte[256 * 1024];
        try (InputStream in = response.body()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                sha.update(buffer, 0, n);
                length += n;
            }
        }
        return new Received(response.statusCode(), length, HexFormat.of().formatHex(sha.digest()));
    }

    private static String sha256Of(long offset, long length) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(FILE)) {
            in.skipNBytes(offset);
            byte[] buffer = new byte[256 * 1024];
            for (long left = length; left > 0; ) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                sha.update(buffer, 0, n);
                left -= n;
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
