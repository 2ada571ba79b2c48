package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.testing.MockContainer;
import io.jwsgi.testing.MockResponse;
import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBodyTest {

    @TempDir
    Path tmp;

    private static List<String> drain(Iterable<byte[]> body) {
        List<String> out = new ArrayList<>();
        for (byte[] chunk : body) {
            out.add(new String(chunk, StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void fileIsReadInBlocksAndItsChannelClosedOnce() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.txt"), "abcdefghij");
        FileChannel channel = FileChannel.open(file);

        FileBody body = FileBody.of(channel, -1, 4);

        assertThat(drain(body)).containsExactly("abcd", "efgh", "ij");
        assertThat(body.position()).isZero();
        body.close();
        body.close();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void regionStopsAtItsLength() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.txt"), "abcdefghij");

        try (FileBody body = FileBody.of(file, 3, 5)) {
            assertThat(drain(body)).containsExactly("defgh");
            assertThat(body.position()).isEqualTo(3);
            assertThat(body.length()).isEqualTo(5);
            assertThat(body.channel()).isInstanceOf(FileChannel.class);
        }
    }

    @Test
    void fileShorterThanTheLengthEndsShort() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.txt"), "abc");

        try (FileBody body = FileBody.of(file, 0, 100)) {
            assertThat(drain(body)).containsExactly("abc");
        }
    }

    @Test
    void streamsAreWrappedToo() throws Exception {
        try (FileBody body = FileBody.of(new ByteArrayInputStream("0123456789".getBytes(StandardCharsets.UTF_8)), 7, 3)) {
            assertThat(drain(body)).containsExactly("012", "345", "6");
            assertThat(body.position()).as("not a file channel").isEqualTo(-1);
        }
    }

    @Test
    void iteratedOnce() throws Exception {
        try (FileBody body = FileBody.of(Files.writeString(tmp.resolve("f.txt"), "x"))) {
            body.iterator();
            assertThatThrownBy(body::iterator).isInstanceOf(IllegalStateException.class).hasMessageContaining("iterated once");
        }
    }

    @Test
    void fileWrapperOfTheEnvironOrTheDefault() throws Exception {
        Map<String, Object> env = new HashMap<>();
        assertThat(FileWrapper.of(env)).isSameAs(FileWrapper.DEFAULT);

        FileWrapper custom = (channel, length, blockSize) -> List.of();
        env.put(FileWrapper.KEY, custom);
        assertThat(FileWrapper.of(env)).isSameAs(custom);

        env.put(FileWrapper.KEY, "not a wrapper");
        assertThatThrownBy(() -> FileWrapper.of(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wsgi.file_wrapper must hold an io.jwsgi.app.FileWrapper, got java.lang.String");
    }

    @Test
    void defaultWrapperServesAPathWhole() throws Exception {
        Path file = Files.writeString(tmp.resolve("f.txt"), "whole file");

        Iterable<byte[]> body = FileWrapper.DEFAULT.wrap(file);

        assertThat(drain(body)).containsExactly("whole file");
        assertThat(body).isInstanceOf(AutoCloseable.class);
        ((AutoCloseable) body).close();
        assertThat(((FileBody) body).channel().isOpen()).isFalse();
    }

    @Test
    void onTheMockContainerAFileBodyComesOutAsTheSameChunksAsItsIteration() throws Exception {
        // given: a file of three and a half blocks, served once as a FileBody (which the server
        // sends as mapped slices) and once as the same blocks in a plain list
        byte[] content = new byte[3 * FileWrapper.BLOCK_SIZE + FileWrapper.BLOCK_SIZE / 2];
        new Random(3).nextBytes(content);
        Path file = Files.write(tmp.resolve("f.bin"), content);
        List<byte[]> blocks = new ArrayList<>();
        try (FileBody body = FileBody.of(file)) {
            body.forEach(blocks::add);
        }
        List<Header> headers = List.of(new Header("Content-Type", "application/octet-stream"),
                new Header("Content-Length", Integer.toString(content.length)));
        Application wrapped = (environ, start) -> {
            start.start("200 OK", headers);
            return FileWrapper.of(environ).wrap(file);
        };
        Application listed = (environ, start) -> {
            start.start("200 OK", headers);
            return blocks;
        };

        // when
        MockResponse fromFile = MockContainer.of(wrapped).get("/f.bin").send();
        MockResponse fromList = MockContainer.of(listed).get("/f.bin").send();

        // then: the same status, headers, chunks and bytes
        assertThat(fromFile.body()).isEqualTo(content);
        assertThat(fromFile.statusLine()).isEqualTo(fromList.statusLine());
        assertThat(fromFile.headers()).isEqualTo(fromList.headers());
        assertThat(fromFile.chunks()).as("chunk by chunk").usingElementComparator(java.util.Arrays::compare)
                .isEqualTo(fromList.chunks());
        assertThat(fromFile.closeCount()).as("the file body closed once").isEqualTo(1);
    }
}
