package io.jwsgi.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.testing.MockResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Multipart}: the upload form's body, as browsers send it, read as it arrives. */
class MultipartTest {

    private static final String BOUNDARY = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

    /** A body as Chromium sends it for a form with a text field, a file and another text field. */
    private static byte[] form(byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfirst field\r\n"
                + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"données.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nlast\r\n"
                + "--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    /** Gives at most {@code step} bytes per read, as a slow connection does. */
    private static InputStream trickling(byte[] bytes, int step) {
        return new FilterInputStream(new ByteArrayInputStream(bytes)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    /** Random bytes sprinkled with near copies of the delimiter, which must reach the file intact. */
    private static byte[] awkwardFile() {
        byte[] random = new byte[300_000];
        new Random(7).nextBytes(random);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String delimiter = "\r\n--" + BOUNDARY;
        for (int i = 0; i < 10; i++) {
            file.writeBytes(Arrays.copyOfRange(random, i * 30_000, (i + 1) * 30_000));
            file.writeBytes(delimiter.substring(0, 2 + i * 3).getBytes(StandardCharsets.ISO_8859_1));
            file.writeBytes("\r\n-\r\n--\r\r\n--".getBytes(StandardCharsets.ISO_8859_1));
        }
        return file.toByteArray();
    }

    @ParameterizedTest(name = "reads of at most {0} bytes")
    @ValueSource(ints = {1, 7, 4096, 1 << 20})
    void theFileIsStreamedWholeWhateverTheReadSizes(int step) throws Exception {
        // given a form whose file holds random bytes and partial delimiters
        byte[] file = awkwardFile();
        ByteArrayOutputStream received = new ByteArrayOutputStream();

        // when it is read as it arrives
        Multipart.File found = Multipart.firstFile(trickling(form(file), step), BOUNDARY, received::write);

        // then exactly the file's bytes came out, with its name and type
        assertThat(found).isEqualTo(new Multipart.File("données.bin", "application/octet-stream", file.length));
        assertThat(received.toByteArray()).as("the file's content").isEqualTo(file);
    }

    @Test
    void aFormWithoutAFileHasNone() throws Exception {
        byte[] body = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--" + BOUNDARY
                + "--\r\n").getBytes(StandardCharsets.UTF_8);

        assertThat(Multipart.firstFile(new ByteArrayInputStream(body), BOUNDARY, (b, o, n) -> { })).isNull();
    }

    @Test
    void aBodyBrokenOffInsideTheFileFails() {
        // given a body that ends three bytes into the file's content
        byte[] body = form("content".getBytes(StandardCharsets.UTF_8));
        int content = new String(body, StandardCharsets.ISO_8859_1).indexOf("content");
        byte[] cut = Arrays.copyOf(body, content + 3);

        assertThatThrownBy(() -> Multipart.firstFile(new ByteArrayInputStream(cut), BOUNDARY, (b, o, n) -> { }))
                .isInstanceOf(IOException.class).hasMessageContaining("broke off");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            multipart/form-data; boundary=abc                  | abc
            Multipart/Form-Data;boundary="a b;c"               | a b;c
            multipart/form-data; charset=utf-8; boundary=x-1_2 | x-1_2
            multipart/form-data                                |
            multipart/mixed; boundary=abc                      |
            application/octet-stream                           |
            """)
    void theBoundaryIsReadFromTheContentType(String contentType, String boundary) {
        assertThat(Multipart.boundary(contentType)).isEqualTo(boundary);
    }

    @Test
    void theUploadPageReportsTheFileItReceived() throws Exception {
        // given the form's body as a browser sends it
        byte[] file = awkwardFile();
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));

        // when it is posted
        MockResponse upload = SampleAppsTest.serve(new UploadApp()).post("/", form(file)).scriptName("/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY).send();

        // then the report is the file's, not the whole body's
        assertThat(upload.text()).as("report").isEqualTo("file: données.bin\nsize: " + file.length + " bytes\nsha256: "
                + digest + "\ncontent-type: application/octet-stream\n");
    }
}
