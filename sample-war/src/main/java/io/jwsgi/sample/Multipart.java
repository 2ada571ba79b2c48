package io.jwsgi.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the first file of a {@code multipart/form-data} body (RFC 7578) as it arrives, in
 * constant memory: what an HTML form with {@code <input type="file">} sends.
 *
 * <pre>{@code
 * String boundary = Multipart.boundary(contentType);            // null if not multipart/form-data
 * Multipart.File file = Multipart.firstFile(in, boundary, digest::update);
 * }</pre>
 */
final class Multipart {

    /** Where the file's bytes go, run by run. */
    @FunctionalInterface
    interface Sink {
        void write(byte[] bytes, int offset, int length);
    }

    /**
     * The file part found.
     *
     * @param fileName its {@code filename} as the browser sent it
     * @param contentType its {@code Content-Type}, {@code application/octet-stream} if none
     * @param size the bytes of its content
     */
    record File(String fileName, String contentType, long size) {
    }

    private static final int MAX_HEADER_LINE = 8192;
    private static final Pattern BOUNDARY = Pattern.compile("(?i);\\s*boundary=(?:\"([^\"]+)\"|([^;\\s]+))");
    private static final Pattern FILE_NAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    private Multipart(InputStream in) {
        this.in = in;
    }

    /**
     * The boundary of a {@code multipart/form-data} content type.
     *
     * @param contentType a {@code CONTENT_TYPE}, may be {@code null}
     * @return the boundary, or {@code null} if the type is not {@code multipart/form-data} with one
     */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        Matcher m = BOUNDARY.matcher(contentType);
        return m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
    }

    /**
     * Skips the parts before the first one holding a file, and streams that file's content.
     *
     * @param in the body
     * @param boundary from {@link #boundary}
     * @param sink receives the file's content
     * @return the file, or {@code null} if the body holds none
     * @throws IOException if reading fails, or the body breaks off or is not well formed
     */
    static File firstFile(InputStream in, String boundary, Sink sink) throws IOException {
        Multipart body = new Multipart(in);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // The first delimiter may open the body, without the line break the others follow.
        body.buffer[0] = '\r';
        body.buffer[1] = '\n';
        body.limit = 2;
        Sink discard = (b, o, n) -> { };
        if (!body.skipTo(delimiter, discard)) {
            throw new IOException("multipart body without its first boundary --" + boundary);
        }
        for (String rest = body.line(); !rest.startsWith("--"); rest = body.line()) {
            String[] headers = body.headers();
            Matcher name = FILE_NAME.matcher(headers[0]);
            if (!name.find()) {
                body.skipTo(delimiter, discard);
                continue;
            }
            long[] size = {0};
            boolean closed = body.skipTo(delimiter, (b, o, n) -> {
                size[0] += n;
                sink.write(b, o, n);
            });
            if (!closed) {
                throw new IOException("multipart body broke off inside the file " + name.group(1));
            }
            return new File(name.group(1), headers[1], size[0]);
        }
        return null;
    }

    /** A part's {@code Content-Disposition} ({@code ""} if none) and {@code Content-Type} (octet-stream if none). */
    private String[] headers() throws IOException {
        String[] found = {"", "application/octet-stream"};
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-disposition:")) {
                found[0] = header;
            } else if (lower.startsWith("content-type:")) {
                found[1] = header.substring("content-type:".length()).trim();
            }
        }
        return found;
    }

    private int next() throws IOException {
        if (position == limit) {
            limit = in.read(buffer);
            position = 0;
            if (limit <= 0) {
                limit = 0;
                return -1;
            }
        }
        return buffer[position++] & 0xff;
    }

    /** A header line (UTF-8, as browsers send file names), without its CRLF; fails on a line longer than {@value #MAX_HEADER_LINE} bytes. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = next(); b >= 0; b = next()) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            if (line.size() == MAX_HEADER_LINE) {
                throw new IOException("multipart header line longer than " + MAX_HEADER_LINE + " bytes");
            }
            line.write(b);
        }
        throw new IOException("multipart body broke off in a part's headers");
    }

    /**
     * Passes bytes to {@code sink} up to the delimiter, which is consumed, not passed
     * (Knuth-Morris-Pratt, so that a near match in the content is not lost).
     *
     * @return whether the delimiter was found before the end of the body
     */
    private boolean skipTo(byte[] delimiter, Sink sink) throws IOException {
        int[] fallback = fallbacks(delimiter);
        byte[] out = new byte[8192];
        int pending = 0;
        int matched = 0;
        for (int b = next(); b >= 0; b = next()) {
            while (matched > 0 && b != (delimiter[matched] & 0xff)) {
                int keep = fallback[matched - 1];
                for (int i = 0; i < matched - keep; i++) {
                    pending = put(out, pending, delimiter[i], sink);
                }
                matched = keep;
            }
            if (b == (delimiter[matched] & 0xff)) {
                if (++matched == delimiter.length) {
                    sink.write(out, 0, pending);
                    return true;
                }
            } else {
                pending = put(out, pending, (byte) b, sink);
            }
        }
        for (int i = 0; i < matched; i++) {
            pending = put(out, pending, delimiter[i], sink);
        }
        sink.write(out, 0, pending);
        return false;
    }

    private static int put(byte[] out, int pending, byte b, Sink sink) {
        if (pending == out.length) {
            sink.write(out, 0, pending);
            pending = 0;
        }
        out[pending] = b;
        return pending + 1;
    }

    /** For each prefix of the delimiter, the length of its longest proper prefix that is also its suffix. */
    private static int[] fallbacks(byte[] delimiter) {
        int[] table = new int[delimiter.length];
        for (int i = 1, k = 0; i < delimiter.length; i++) {
            while (k > 0 && delimiter[i] != delimiter[k]) {
                k = table[k - 1];
            }
            if (delimiter[i] == delimiter[k]) {
                k++;
            }
            table[i] = k;
        }
        return table;
    }
}
