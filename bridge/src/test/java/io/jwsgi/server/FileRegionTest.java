package io.jwsgi.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.app.FileBody;
import io.jwsgi.app.FileWrapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code wsgi.file_wrapper} body over a file is sent by the pump as mapped slices of its region
 * ({@link FileRegion}), through {@link Channel#write(ByteBuffer)}, under the rules of ordinary
 * chunks: one slice per {@code isReady()}, each flushed, capped by {@code Content-Length}, closed once.
 */
class FileRegionTest {

    private static final int SIZE = 3 * FileWrapper.BLOCK_SIZE + 1000;

    @TempDir
    Path tmp;
    private Path file;
    private byte[] content;

    private final Deque<Runnable> turns = new ArrayDeque<>();
    private final Engine engine = Engine.builder().executor(turns::add).build();
    private final BufferChannel channel = new BufferChannel();

    /** A channel that takes buffers natively, and counts how each chunk came. */
    static final class BufferChannel extends RecordingChannel {
        int bufferWrites;
        int arrayWrites;
        final List<Integer> sliceLengths = new ArrayList<>();
        boolean readOnlySlices = true;

        @Override
        public synchronized void write(byte[] chunk) throws IOException {
            arrayWrites++;
            super.write(chunk);
        }

        @Override
        public synchronized void write(ByteBuffer slice) throws IOException {
            bufferWrites++;
            sliceLengths.add(slice.remaining());
            readOnlySlices &= slice.isReadOnly() && slice.isDirect();
            byte[] copy = new byte[slice.remaining()];
            slice.get(copy);
            events.add("write " + copy.length + " B");
            body.writeBytes(copy);
        }

        @Override
        public boolean takesBuffers() {
            return true;
        }
    }

    @BeforeEach
    void createFile() throws IOException {
        content = new byte[SIZE];
        new Random(7).nextBytes(content);
        file = Files.write(tmp.resolve("data.bin"), content);
    }

    @AfterEach
    void stop() {
        engine.shutdown(java.time.Duration.ZERO);
    }

    @Test
    void aFileBodyGoesOutAsMappedSlicesOneFlushEach() {
        // given: the whole file through the environ's default wrapper, Content-Length declared
        AtomicReference<Iterable<byte[]>> body = new AtomicReference<>();
        Pump pump = open((environ, start) -> {
            start.start("200 OK", List.of(new Header("Content-Length", Integer.toString(SIZE))));
            body.set(FileWrapper.of(environ).wrap(file));
            return body.get();
        });

        // when
        pump.onWritePossible();
        runTurns();

        // then: block-sized slices of the mapped file, each flushed before the next is taken
        assertThat(channel.body.toByteArray()).as("the file's bytes").isEqualTo(content);
        assertThat(channel.sliceLengths).isEqualTo(List.of(FileWrapper.BLOCK_SIZE, FileWrapper.BLOCK_SIZE,
                FileWrapper.BLOCK_SIZE, 1000));
        assertThat(channel.arrayWrites).as("no chunk copied into an array").isZero();
        assertThat(channel.readOnlySlices).as("slices are read-only views of the mapping").isTrue();
        assertThat(channel.events).isEqualTo(List.of("head 200", "write 65536 B", "flush", "write 65536 B", "flush",
                "write 65536 B", "flush", "write 1000 B", "flush", "complete"));
        assertThat(((FileBody) body.get()).channel().isOpen()).as("closed at the end").isFalse();
        assertThat(engine.metrics().bytesWritten()).isEqualTo(SIZE);
        assertThat(engine.metrics().bytesWrittenAsBuffers()).as("counted as written from buffers").isEqualTo(SIZE);
    }

    @Test
    void onAChannelThatCopiesTheChunksAreThoseOfTheIteration() throws IOException {
        // given: a channel without native buffers (Servlet 6.0's), and the chunks the body's own iterator yields
        List<byte[]> iterated = new ArrayList<>();
        try (FileBody body = FileBody.of(file)) {
            body.forEach(iterated::add);
        }
        List<byte[]> written = new ArrayList<>();
        RecordingChannel copying = new RecordingChannel() {
            @Override
            public synchronized void write(byte[] chunk) throws IOException {
                written.add(chunk);
                super.write(chunk);
            }
        };
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        Pump pump = engine.open(fileApp(FileBody::of, SIZE), environ, copying, "GET /file");

        // when
        pump.onWritePossible();
        runTurns();

        // then: the same chunks, byte for byte, and nothing counted as written from buffers
        assertThat(written).usingElementComparator(Arrays::compare).isEqualTo(iterated);
        assertThat(engine.metrics().bytesWrittenAsBuffers()).isZero();
        assertThat(engine.metrics().bytesWritten()).isEqualTo(SIZE);
    }

    @Test
    void eachSliceWaitsForItsOwnIsReady() {
        // given: a client that cannot take output
        channel.ready = false;
        Pump pump = open(fileApp(FileBody::of, -1));
        pump.onWritePossible();
        runTurns();
        assertThat(channel.events).as("the head waits with the first slice").isEmpty();
        assertThat(pump.state()).isEqualTo(Pump.State.AWAITING_READY);

        // when: it can again
        channel.ready = true;
        pump.onWritePossible();
        runTurns();

        // then
        assertThat(channel.body.toByteArray()).isEqualTo(content);
        assertThat(pump.isDone()).isTrue();
    }

    @Test
    void aRangeIsSentFromItsOffset() {
        // given: bytes 100..70099 of the file
        Pump pump = open(fileApp(path -> FileBody.of(path, 100, 70_000), 70_000));

        // when
        pump.onWritePossible();
        runTurns();

        // then
        assertThat(channel.body.toByteArray()).isEqualTo(Arrays.copyOfRange(content, 100, 70_100));
        assertThat(channel.sliceLengths).isEqualTo(List.of(FileWrapper.BLOCK_SIZE, 70_000 - FileWrapper.BLOCK_SIZE));
    }

    @Test
    void aContentLengthShorterThanTheFileCutsTheRegionThere() {
        // given: 1000 bytes declared for a larger file
        Pump pump = open(fileApp(FileBody::of, 1000));

        // when
        pump.onWritePossible();
        runTurns();

        // then: 1000 bytes, then complete, the rest of the file never sent
        assertThat(channel.body.toByteArray()).isEqualTo(Arrays.copyOf(content, 1000));
        assertThat(channel.events).isEqualTo(List.of("head 200", "write 1000 B", "flush", "complete"));
    }

    @Test
    void aFileShorterThanItsContentLengthCutsTheConnection() {
        // given: more declared than the file holds
        Pump pump = open(fileApp(FileBody::of, SIZE + 1));

        // when
        pump.onWritePossible();
        runTurns();

        // then
        assertThat(channel.body.toByteArray()).isEqualTo(content);
        assertThat(channel.aborts).as("an incomplete response is cut, never completed").isEqualTo(1);
        assertThat(channel.completions).isZero();
    }

    @Test
    void aFileBodyBeforeStartResponseGets500() {
        // given: an application that returns the file without calling start
        Pump pump = open((environ, start) -> FileBody.of(file));

        // when
        pump.onWritePossible();
        runTurns();

        // then
        assertThat(channel.code).isEqualTo(500);
        assertThat(channel.bufferWrites).as("not a byte of the file").isZero();
    }

    @Test
    void aBodyOverAStreamIsIteratedAsBefore() {
        // given: a FileBody over a stream, which has no region to map
        Pump pump = open((environ, start) -> {
            start.start("200 OK", List.of());
            return FileBody.of(new ByteArrayInputStream(content), -1, FileWrapper.BLOCK_SIZE);
        });

        // when
        pump.onWritePossible();
        runTurns();

        // then
        assertThat(channel.body.toByteArray()).isEqualTo(content);
        assertThat(channel.bufferWrites).isZero();
        assertThat(channel.arrayWrites).isEqualTo(4);
    }

    @Test
    void slicesStopAtWindowEndsAndAFileThatShrankEndsTheRegion() throws IOException {
        // given: 4 KiB windows in 1 KiB slices over a 10 KiB file
        Path small = Files.write(tmp.resolve("small.bin"), Arrays.copyOf(content, 10 * 1024));
        try (FileChannel channel = FileChannel.open(small, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileRegion region = FileRegion.of(FileBody.of(channel, -1, 1536), 4096);

            // when: the first window is sent, then the file is cut to 6 KiB
            List<Integer> lengths = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                lengths.add(region.next().remaining());
            }
            channel.truncate(6 * 1024);
            ByteBuffer slice;
            while ((slice = region.next()) != null) {
                lengths.add(slice.remaining());
            }

            // then: slices never cross a window, and the region ends where the file now ends
            assertThat(lengths).isEqualTo(List.of(1536, 1536, 1024, 1536, 512));
        }
    }

    private Application fileApp(FileOpener opener, long contentLength) {
        return (environ, start) -> {
            start.start("200 OK", contentLength < 0 ? List.of()
                    : List.of(new Header("Content-Length", Long.toString(contentLength))));
            return opener.open(file);
        };
    }

    @FunctionalInterface
    private interface FileOpener {
        FileBody open(Path file) throws IOException;
    }

    private Pump open(Application app) {
        Map<String, Object> environ = new HashMap<>();
        environ.put(Environ.REQUEST_METHOD, "GET");
        return engine.open(app, environ, channel, "GET /file");
    }

    private void runTurns() {
        for (Runnable turn; (turn = turns.poll()) != null; ) {
            turn.run();
        }
    }
}
