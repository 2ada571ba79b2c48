package io.jwsgi.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Request bodies framed by hand, and the temporary files a buffered body leaves behind. */
final class Uploads {

    /** The chunk that ends a chunked body, with no trailer. */
    static final String LAST_CHUNK = "0\r\n\r\n";

    private Uploads() {
    }

    /** The head of a POST to {@code path} with the given header lines. */
    static String post(String path, String... headerLines) {
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** {@code data} framed as one chunk of a chunked body. */
    static byte[] chunk(byte[] data) {
        byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[size.length + data.length + 2];
        System.arraycopy(size, 0, framed, 0, size.length);
        System.arraycopy(data, 0, framed, size.length, data.length);
        framed[framed.length - 2] = '\r';
        framed[framed.length - 1] = '\n';
        return framed;
    }

    /** {@code n} random bytes, the same for the same seed. */
    static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The regular files in {@code dir}. */
    static List<Path> filesIn(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir, e);
        }
    }

    /**
     * The files under {@code dir} this JVM (the tests and the embedded container) holds open,
     * deleted or not, as {@code /proc/self/fd} shows them; empty where there is no
     * {@code /proc}.
     */
    static List<String> openFilesIn(Path dir) {
        Path fds = Path.of("/proc/self/fd");
        List<String> open = new ArrayList<>();
        if (!Files.isDirectory(fds)) {
            return open;
        }
        String prefix = dir.toAbsolutePath().toString() + "/";
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : links.toList()) {
                try {
                    String target = Files.readSymbolicLink(link).toString();
                    if (target.startsWith(prefix)) {
                        open.add(target);
                    }
                } catch (IOException e) {
                    // closed between the listing and the read: not open any more
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + fds, e);
        }
        return open;
    }

    /** Deletes {@code dir} and everything under it. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
