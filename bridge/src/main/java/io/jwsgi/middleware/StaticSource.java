package io.jwsgi.middleware;

import io.jwsgi.app.FileWrapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;

/** Where {@link StaticFiles} finds files: a directory, or a package on the classpath. */
interface StaticSource {

    /** A file found for a request. */
    interface Found {
        /** The file's name, for its content type. */
        String name();

        /** Its length in bytes. */
        long length();

        /** Its last modification, epoch milliseconds. */
        long lastModified();

        /** Opens {@code length} bytes from {@code offset} as a body, through the environ's file wrapper. */
        Iterable<byte[]> open(FileWrapper wrapper, long offset, long length, int blockSize) throws IOException;
    }

    /**
     * Finds the regular file a checked path names.
     *
     * @param path the request's checked path
     * @param indexFile the file meant by a path ending with {@code /}
     * @return the file, or {@code null} if there is none the source may serve
     * @throws IOException if the file exists but cannot be examined
     */
    default Found find(StaticPath path, String indexFile) throws IOException {
        return path.directory() && indexFile == null ? null : find(path.join(indexFile));
    }

    /**
     * Finds a regular file by its relative name, such as a precompressed sibling
     * ({@code app.js.gz} beside {@code app.js}) of a file found by its checked path.
     *
     * @param relative a name made of checked segments joined with {@code /}
     * @return the file, or {@code null} if there is none the source may serve
     * @throws IOException if the file exists but cannot be examined
     */
    Found find(String relative) throws IOException;

    /** A directory's regular files, symbolic links included only when they resolve inside the directory. */
    final class Directory implements StaticSource {
        private final Path root;

        Directory(Path root) {
            try {
                this.root = root.toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException("StaticFiles root " + root.toAbsolutePath()
                        + " must be an existing directory: " + e, e);
            }
            if (!Files.isDirectory(this.root)) {
                throw new IllegalArgumentException("StaticFiles root " + root.toAbsolutePath() + " is not a directory");
            }
        }

        @Override
        public Found find(String relative) throws IOException {
            Path file = root;
            for (String segment : relative.split("/")) {
                file = file.resolve(segment);
            }
            return inside(root, file);
        }

        /** The file if it is regular and its real path lies under {@code root} (a real path). */
        static Found inside(Path root, Path file) throws IOException {
            BasicFileAttributes attributes;
            Path real;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
                real = file.toRealPath();
            } catch (NoSuchFileException e) {
                return null;
            }
            if (!attributes.isRegularFile() || !real.startsWith(root)) {
                return null;
            }
            return new PathFile(real, attributes.size(), attributes.lastModifiedTime().toMillis());
        }

        @Override
        public String toString() {
            return root.toString();
        }
    }

    /** Resources under a package of a class loader, from directories or jars. */
    final class Classpath implements StaticSource {
        private final String base;
        private final ClassLoader loader;
        private volatile List<Path> directoryRoots;

        Classpath(String prefix, ClassLoader loader) {
            String p = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
            if (p.isEmpty()) {
                throw new IllegalArgumentException("StaticFiles.classpath needs a package prefix such as \"static\";"
                        + " serving the classpath root would publish every class and configuration file");
            }
            this.base = p + "/";
            this.loader = loader;
        }

        @Override
        public Found find(String relative) throws IOException {
            String name = base + relative;
            URL url = loader.getResource(name);
            if (url == null) {
                return null;
            }
            switch (url.getProtocol()) {
                case "file":
                    for (Path root : directoryRoots()) {
                        Found found = Directory.inside(root, toPath(url));
                        if (found != null) {
                            return found;
                        }
                    }
                    return null;
                case "jar":
                    JarURLConnection jar = (JarURLConnection) url.openConnection();
                    JarEntry entry = jar.getJarEntry();
                    if (entry == null || entry.isDirectory() || entry.getSize() < 0) {
                        return null;
                    }
                    return new UrlFile(url, name, entry.getSize(), entry.getTime());
                default:
                    URLConnection connection = url.openConnection();
                    long length = connection.getContentLengthLong();
                    return length < 0 || name.endsWith("/") ? null : new UrlFile(url, name, length, connection.getLastModified());
            }
        }

        /** The real paths of the directories that hold the base package, for the symbolic link check. */
        private List<Path> directoryRoots() throws IOException {
            List<Path> roots = directoryRoots;
            if (roots == null) {
                List<Path> found = new ArrayList<>();
                for (URL url : Collections.list(loader.getResources(base))) {
                    if (url.getProtocol().equals("file")) {
                        found.add(toPath(url).toRealPath());
                    }
                }
                roots = List.copyOf(found);
                directoryRoots = roots;
            }
            return roots;
        }

        private static Path toPath(URL url) throws IOException {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IOException("resource URL " + url + " is not a valid URI", e);
            }
        }

        @Override
        public String toString() {
            return "classpath:" + base;
        }
    }

    /** A regular file, by its real path. */
    record PathFile(Path real, long length, long lastModified) implements Found {
        @Override
        public String name() {
            return real.getFileName().toString();
        }

        @Override
        public Iterable<byte[]> open(FileWrapper wrapper, long offset, long length, int blockSize) throws IOException {
            // The real path was checked; a link swapped in since then is not followed.
            FileChannel channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            try {
                channel.position(offset);
                return wrapper.wrap(channel, length, blockSize);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /** A resource read through its URL, e.g. an entry of a jar. */
    record UrlFile(URL url, String name, long length, long lastModified) implements Found {
        @Override
        public Iterable<byte[]> open(FileWrapper wrapper, long offset, long length, int blockSize) throws IOException {
            InputStream in = url.openStream();
            try {
                in.skipNBytes(offset);
                return wrapper.wrap(Channels.newChannel(in), length, blockSize);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        }
    }
}
