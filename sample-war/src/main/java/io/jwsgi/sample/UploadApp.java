package io.jwsgi.sample;

import io.jwsgi.Application;
import io.jwsgi.Environ;
import io.jwsgi.StartResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Receives a file and reports its size and SHA-256: {@code GET /upload/} is a form, {@code POST
 * /upload/} reads {@code wsgi.input} to its end through the digest, in constant memory.
 *
 * <p>The form's script sends the chosen file as the raw request body, so the digest is the file's
 * ({@code curl --data-binary @file .../upload/} does the same). Without the script the browser
 * sends {@code multipart/form-data}; the report then covers that whole body, and says so.
 */
public final class UploadApp implements Application {

    private final String page = Http.resource("upload.html");

    @Override
    public Iterable<byte[]> call(Map<String, Object> environ, StartResponse start) throws IOException {
        String method = (String) environ.get(Environ.REQUEST_METHOD);
        String path = (String) environ.get(Environ.PATH_INFO);
        if (path.isEmpty()) {
            return Http.redirectToSlash(environ, start);
        }
        if (!path.equals("/")) {
            return Http.notFound(environ, start);
        }
        if (method.equals("GET")) {
            return Http.respond(start, "200 OK", Http.HTML, page);
        }
        if (!method.equals("POST")) {
            return Http.methodNotAllowed(start, "GET, POST");
        }
        MessageDigest sha256 = sha256();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
            size += n;
        }
        String type = (String) environ.getOrDefault(Environ.CONTENT_TYPE, "none");
        String report = "size: " + size + " bytes\n"
                + "sha256: " + HexFormat.of().formatHex(sha256.digest()) + "\n"
                + "content-type: " + type + "\n"
                + (type.startsWith("multipart/") ? "note: this is the whole multipart body, not the file alone\n" : "");
        return Http.respond(start, "200 OK", Http.TEXT, report);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
