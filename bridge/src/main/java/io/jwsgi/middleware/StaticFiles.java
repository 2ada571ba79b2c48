package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.app.ContentTypes;
import io.jwsgi.app.FileWrapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Serves files from a directory or from the classpath, with validators, conditional requests and
 * byte ranges; as an application of its own, or as middleware in front of one.
 *
 * <pre>{@code
 * // an application: 404 for what is not there
 * Application files = StaticFiles.directory(Path.of("public")).maxAge(Duration.ofHours(1));
 * Application site = Dispatcher.builder().mount("/static", files).fallback(new ChatApp()).build();
 * // middleware: files first, everything else goes to the application
 * Application app = Pipeline.of(new ChatApp()).with(StaticFiles.classpath("static")::fallback);
 * }</pre>
 *
 * <h2>What is served</h2>
 * {@code PATH_INFO} names a file under the root; a path ending with {@code /} names its
 * {@code index.html}. Only {@code GET} and {@code HEAD} are served. The path is refused, before
 * any file system access, if it holds a {@code .} or {@code ..} segment, an empty segment
 * ({@code //}), a backslash, a colon, a NUL or other control character, or an encoded
 * {@code %2F}, {@code %5C}, {@code %2E}, {@code %00} or {@code %25} left after decoding (double
 * encoding): {@code 400 Bad Request}. Names starting with {@code .} are never served, and a file
 * whose real path (symbolic links resolved) lies outside the root does not exist:
 * {@code 404 Not Found}. With a {@linkplain #fallback fallback} application, every request not
 * answered with a file (refused ones included) goes to it instead of getting 400, 404 or 405.
 *
 * <h2>How</h2>
 * Each file gets {@code Content-Type} (from {@link ContentTypes}), {@code Content-Length},
 * {@code Last-Modified}, an {@code ETag} made of its length and modification time,
 * {@code Accept-Ranges: bytes} and, if set, {@code Cache-Control: public, max-age=N}.
 * {@code If-None-Match} (weak comparison, {@code *}) and, without it, {@code If-Modified-Since}
 * give {@code 304 Not Modified}. A {@code Range} ({@code bytes=a-b}, {@code bytes=a-},
 * {@code bytes=-n}, or several of them) gives {@code 206}, unless an {@code If-Range} names another
 * version or is no strong validator: one range with {@code Content-Range}, several as a
 * {@code multipart/byteranges} body (RFC 9110 section 14.6), sorted, overlapping and nearby ones
 * merged ({@link ByteRange} has the limits); none inside the file gives {@code 416} with
 * {@code Content-Range: bytes *}{@code /len}; a malformed header or too many ranges give the
 * whole file. With {@link #precompressed()}, {@code .br} and {@code .gz} siblings are sent to
 * clients that accept them. The body comes from the environ's
 * {@link FileWrapper} (or the default one), read one block ({@link FileWrapper#BLOCK_SIZE} by default)
 * per chunk, so large files are never loaded whole; its {@code close()} closes the file.
 */
public final class StaticFiles implements Application {

    private static final Header ALLOW = new Header("Allow", "GET, HEAD");
    private static final Header VARY = new Header("Vary", "Accept-Encoding");
    /** The precompressed codings served, best first, with their file name suffixes. */
    private static final Map<String, String> SUFFIXES = Map.of("br", ".br", "gzip", ".gz");
    private static final List<String> CODINGS = List.of("br", "gzip");

    private final StaticSource source;
    private final Application fallback;
    private final String indexFile;
    private final Duration maxAge;
    private final int blockSize;
    private final List<String> codings;

    private StaticFiles(StaticSource source, Application fallback, String indexFile, Duration maxAge, int blockSize,
            List<String> codings) {
        this.source = source;
        this.fallback = fallback;
        this.indexFile = indexFile;
        this.maxAge = maxAge;
        this.blockSize = blockSize;
        this.codings = codings;
    }

    /**
     * Serves the files under a directory.
     *
     * @param root an existing directory
     * @return an application serving it, answering 404 for what it does not hold
     * @throws IllegalArgumentException if {@code root} is not an existing directory
     */
    public static StaticFiles directory(Path root) {
        return new StaticFiles(new StaticSource.Directory(root), null, "index.html", null, FileWrapper.BLOCK_SIZE, List.of());
    }

    /**
     * Serves the resources under a package, as found by the thread's context class loader (the web
     * application's, when the application is constructed by {@code JwsgiServlet}) or this class's.
     *
     * @param prefix a non-empty resource path, e.g. {@code "static"} or {@code "com/example/web"}
     * @return an application serving it, answering 404 for what it does not hold
     */
    public static StaticFiles classpath(String prefix) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return classpath(prefix, context != null ? context : StaticFiles.class.getClassLoader());
    }

    /**
     * Serves the resources under a package of a class loader.
     *
     * @param prefix a non-empty resource path, e.g. {@code "static"}
     * @param loader the class loader
     * @return an application serving it, answering 404 for what it does not hold
     */
    public static StaticFiles classpath(String prefix, ClassLoader loader) {
        return new StaticFiles(new StaticSource.Classpath(prefix, Objects.requireNonNull(loader, "loader")), null,
                "index.html", null, FileWrapper.BLOCK_SIZE, List.of());
    }

    /**
     * Returns a copy that hands every request it does not answer with a file to {@code app}; as a
     * method reference, the {@link Middleware} form: {@code .with(StaticFiles.directory(root)::fallback)}.
     *
     * @param app the application behind the files
     * @return the copy
     */
    public StaticFiles fallback(Application app) {
        return new StaticFiles(source, Objects.requireNonNull(app, "fallback"), indexFile, maxAge, blockSize, codings);
    }

    /**
     * Returns a copy that sends {@code Cache-Control: public, max-age=N}.
     *
     * @param age how long clients and caches may reuse a file without asking
     * @return the copy
     */
    public StaticFiles maxAge(Duration age) {
        if (age.isNegative()) {
            throw new IllegalArgumentException("StaticFiles maxAge must not be negative, got " + age);
        }
        return new StaticFiles(source, fallback, indexFile, age, blockSize, codings);
    }

    /**
     * Returns a copy that reads files in blocks of this size.
     *
     * @param bytes the largest chunk
     * @return the copy
     */
    public StaticFiles blockSize(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("StaticFiles blockSize must be at least 1 byte, got " + bytes);
        }
        return new StaticFiles(source, fallback, indexFile, maxAge, bytes, codings);
    }

    /**
     * Returns a copy whose paths ending with {@code /} name this file; {@code null} serves no index.
     *
     * @param name a file name such as {@code index.html}, or {@code null}
     * @return the copy
     */
    public StaticFiles indexFile(String name) {
        if (name != null && (name.isEmpty() || name.contains("/") || name.startsWith("."))) {
            throw new IllegalArgumentException("StaticFiles indexFile must be a plain file name, got \"" + name + "\"");
        }
        return new StaticFiles(source, fallback, name, maxAge, blockSize, codings);
    }

    /**
     * Returns a copy that serves precompressed siblings: for {@code app.js}, {@code app.js.br}
     * (Brotli) or {@code app.js.gz} (gzip) when {@code Accept-Encoding} accepts that coding, with
     * {@code Content-Encoding}, its own {@code ETag} and byte ranges counted in the encoded bytes.
     * Every response for a file that has such a sibling carries {@code Vary: Accept-Encoding}. A
     * sibling older than its file is ignored.
     *
     * @return the copy
     */
    public StaticFiles precompressed() {
        return new StaticFiles(source, fallback, indexFile, maxAge, blockSize, CODINGS);
    }

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        Object method = environ.get(Environ.REQUEST_METHOD);
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            return fallback != null ? fallback.call(environ, startResponse)
                    : Pages.plain(startResponse, "405 Method Not Allowed", ALLOW);
        }
        StaticPath path;
        try {
            path = StaticPath.parse(environ.get(Environ.PATH_INFO) instanceof String p ? p : "");
        } catch (StaticPath.Refused refused) {
            if (fallback != null) {
                return fallback.call(environ, startResponse);
            }
            return Pages.plain(startResponse, refused.refusal() == StaticPath.Refusal.BAD_REQUEST
                    ? "400 Bad Request" : "404 Not Found");
        }
        StaticSource.Found file = source.find(path, indexFile);
        if (file == null) {
            return fallback != null ? fallback.call(environ, startResponse) : Pages.plain(startResponse, "404 Not Found");
        }
        return serve(environ, startResponse, path, file, "HEAD".equals(method));
    }

    private Iterable<byte[]> serve(Map<String, Object> environ, StartResponse startResponse, StaticPath path,
            StaticSource.Found file, boolean head) throws Exception {
        Representation chosen = represent(environ, path, file);
        long length = chosen.body().length();
        long modified = chosen.body().lastModified();
        List<Header> validators = validators(chosen);
        if (Conditional.notModified(environ, chosen.etag(), modified)) {
            startResponse.start("304 Not Modified", validators);
            return List.of();
        }
        ByteRange range = !head && Conditional.rangeApplies(environ, chosen.etag(), modified)
                ? ByteRange.parse(environ.get("HTTP_RANGE") instanceof String r ? r : null, length)
                : ByteRange.WHOLE;
        List<Header> headers = new ArrayList<>(List.of(new Header("Accept-Ranges", "bytes")));
        if (range.kind() == ByteRange.Kind.UNSATISFIABLE) {
            headers.addAll(List.of(new Header("Content-Range", "bytes */" + length), new Header("Content-Length", "0")));
            if (chosen.negotiated()) {
                headers.add(VARY);
            }
            startResponse.start("416 Range Not Satisfiable", headers);
            return List.of();
        }
        if (chosen.coding() != null) {
            headers.add(new Header("Content-Encoding", chosen.coding()));
        }
        headers.addAll(validators);
        String type = ContentTypes.of(file.name());
        FileWrapper wrapper = FileWrapper.of(environ);
        if (range.kind() == ByteRange.Kind.PARTIAL && range.spans().size() > 1) {
            return sendParts(wrapper, startResponse, chosen.body(), range, type, headers);
        }
        headers.add(new Header("Content-Type", type));
        return send(wrapper, startResponse, chosen.body(), head, range, headers);
    }

    /** Sends several ranges as one {@code multipart/byteranges} body ({@code 206}). */
    private Iterable<byte[]> sendParts(FileWrapper wrapper, StartResponse startResponse, StaticSource.Found file,
            ByteRange range, String type, List<Header> headers) {
        MultipartRanges parts = new MultipartRanges(range.spans(), type, file.length(),
                (offset, count) -> file.open(wrapper, offset, count, blockSize));
        headers.add(new Header("Content-Type", parts.mediaType()));
        headers.add(new Header("Content-Length", Long.toString(parts.length())));
        startResponse.start("206 Partial Content", headers);
        return parts;
    }

    /** {@code ETag}, {@code Last-Modified}, {@code Cache-Control} if set, {@code Vary} if negotiated. */
    private List<Header> validators(Representation chosen) {
        List<Header> validators = new ArrayList<>(List.of(new Header("ETag", chosen.etag()),
                new Header("Last-Modified", Conditional.httpDate(chosen.body().lastModified()))));
        if (maxAge != null) {
            validators.add(new Header("Cache-Control", "public, max-age=" + maxAge.toSeconds()));
        }
        if (chosen.negotiated()) {
            validators.add(VARY);
        }
        return validators;
    }

    /** The file or the precompressed sibling to send, as {@code Accept-Encoding} allows. */
    private Representation represent(Map<String, Object> environ, StaticPath path, StaticSource.Found file)
            throws Exception {
        if (codings.isEmpty()) {
            return new Representation(file, null, false);
        }
        String relative = path.join(indexFile);
        Map<String, StaticSource.Found> siblings = new LinkedHashMap<>();
        for (String coding : codings) {
            StaticSource.Found sibling = source.find(relative + SUFFIXES.get(coding));
            // A sibling older than its file is a leftover of an earlier build: never send stale content.
            if (sibling != null && sibling.lastModified() >= file.lastModified()) {
                siblings.put(coding, sibling);
            }
        }
        if (siblings.isEmpty()) {
            return new Representation(file, null, false);
        }
        String coding = AcceptEncoding.choose(environ.get("HTTP_ACCEPT_ENCODING") instanceof String a ? a : null,
                List.copyOf(siblings.keySet()));
        return coding.equals(AcceptEncoding.IDENTITY) ? new Representation(file, null, true)
                : new Representation(siblings.get(coding), coding, true);
    }

    /**
     * What is sent for a request.
     *
     * @param body the file whose bytes are sent
     * @param coding its content coding, {@code null} for the file itself
     * @param negotiated whether other codings exist, so the response varies with {@code Accept-Encoding}
     */
    private record Representation(StaticSource.Found body, String coding, boolean negotiated) {
        /** A strong tag of the length and modification time, and the coding: each representation has its own. */
        String etag() {
            return "\"" + Long.toHexString(body.length()) + "-" + Long.toHexString(body.lastModified())
                    + (coding == null ? "" : "-" + coding) + "\"";
        }
    }

    /** Sends the whole file ({@code 200}) or one range of it ({@code 206}). */
    private Iterable<byte[]> send(FileWrapper wrapper, StartResponse startResponse, StaticSource.Found file,
            boolean head, ByteRange range, List<Header> headers) throws Exception {
        boolean partial = range.kind() == ByteRange.Kind.PARTIAL;
        long offset = partial ? range.single().start() : 0;
        long count = partial ? range.single().length() : file.length();
        if (partial) {
            headers.add(new Header("Content-Range",
                    "bytes " + offset + "-" + range.single().end() + "/" + file.length()));
        }
        headers.add(new Header("Content-Length", Long.toString(count)));
        startResponse.start(partial ? "206 Partial Content" : "200 OK", headers);
        if (head || count == 0) {
            return List.of();
        }
        return file.open(wrapper, offset, count, blockSize);
    }

    @Override
    public String toString() {
        return "StaticFiles[" + source + "]";
    }
}
