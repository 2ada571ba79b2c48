package io.jwsgi.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BodyBufferTest {

    @TempDir
    Path dir;

    @Test
    void smallBodyStaysInMemory() throws IOException {
        try (BodyBuffer body = new BodyBuffer(1024, dir)) {
            body.write("hello".getBytes(), 0, 5);

            assertThat(body.file()).as("no file for a body under the threshold").isNull();
            assertThat(body.open().readAllBytes()).isEqualTo("hello".getBytes());
            assertThat(body.size()).isEqualTo(5);
        }
    }

    @Test
    void largeBodySpillsToAFileThatCloseDeletes() throws IOException {
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        BodyBuffer body = new BodyBuffer(1000, dir);
        for (int off = 0; off < data.length; off += 7000) {
            body.write(data, off, Math.min(7000, data.length - off));
        }
        Path file = body.file();
        assertThat(file).as("spilled").isNotNull().exists();

        try (InputStream in = body.open()) {
            assertThat(in.readAllBytes()).as("memory part then file part, in order").isEqualTo(data);
        }
        body.close();
        body.close();

        assertThat(file).as("deleted at the end").doesNotExist();
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test // #8
    void closeClosesTheFileOfAReaderLeftHalfWay() throws IOException {
        // given a spilled body an application read only half of
        byte[] data = new byte[100_000];
        BodyBuffer body = new BodyBuffer(1000, dir);
        body.write(data, 0, data.length);
        InputStream in = body.open();
        in.readNBytes(data.length / 2);

        // when the request ends
        body.close();

        // then the reader is closed with the file, not left open until garbage collection
        assertThatThrownBy(in::readAllBytes).as("reading on after the request ended").isInstanceOf(IOException.class);
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void limitedInputFailsTheReadThatPassesTheLimit() throws IOException {
        LimitedInput in = new LimitedInput(new ByteArrayInputStream(new byte[10]), 8);
        byte[] buf = new byte[4];
        assertThat(in.read(buf, 0, 4)).isEqualTo(4);
        assertThat(in.read(buf, 0, 4)).isEqualTo(4);

        assertThatThrownBy(() -> in.read(buf, 0, 4)).isInstanceOf(IOException.class)
                .hasMessage("request body exceeds max-body-size: more than 8 bytes");
    }
}
