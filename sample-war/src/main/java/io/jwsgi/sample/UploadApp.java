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
 * <p>The form sends {@code multipart/form-data} (with or without its script): the report covers
 * the first file in it, read from the body as it arrives ({@link Multipart}), so the digest is the
 * file's. Any other body is taken as the file itself: {@code curl --data-binary @file .../upload/}.
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
        InputStream in = (InputStream) environ.get(Environ.WSGI_INPUT);
        String type = (String) environ.getOrDefault(Environ.CONTENT_TYPE, "none");
        String boundary = Multipart.boundary(type);
        if (boundary != null) {
            Multipart.File file = Multipart.firstFile(in, boundary, sha256::update);
            if (file == null) {
                return Http.respond(start, "400 Bad Request", Http.TEXT, "the form holds no file: choose one\n");
            }
            return report(start, "file: " + file.fileName() + "\n", file.size(), sha256, file.contentType());
        }
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
            size += n;
        }
        return report(start, "", size, sha256, type);
    }

    private static Iterable<byte[]> report(StartResponse start, String first, long size, MessageDigest sha256, String type) {
        return Http.respond(start, "200 OK", Http.TEXT, first + "size: " + size + " bytes\n"
                + "sha256: " + HexFormat.of().formatHex(sha256.digest()) + "\n"
                + "content-type: " + type + "\n");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
