package io.jwsgi.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
}
