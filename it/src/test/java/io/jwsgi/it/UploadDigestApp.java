package io.jwsgi.it;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code wsgi.input} to its end and answers
 * {@code "CONTENT_LENGTH=<environ value or -> length=<bytes read> sha256=<hex>\n"}.
 */
final class UploadDigestApp implements Application {

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse startResponse) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long length = 0;
        byte[] buffer = new byte[16384];
        InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
            length += n;
        }
        byte[] body = describe((String) environ.get(Environ.CONTENT_LENGTH), length, sha256.digest());
        startResponse.start("200 OK", List.of(new Header("Content-Type", "text/plain"),
                new Header("Content-Length", Integer.toString(body.length))));
        return List.of(body);
    }

    /** The answer for an upload of these bytes, sent with that CONTENT_LENGTH ({@code null} if none). */
    static String expected(String contentLength, byte[] upload) throws Exception {
        return new String(describe(contentLength, upload.length, MessageDigest.getInstance("SHA-256").digest(upload)),
                StandardCharsets.UTF_8);
    }

    private static byte[] describe(String contentLength, long length, byte[] digest) {
        return ("CONTENT_LENGTH=" + (contentLength == null ? "-" : contentLength) + " length=" + length
                + " sha256=" + HexFormat.of().formatHex(digest) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
