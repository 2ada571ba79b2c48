package io.jwsgi.server;

import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.util.List;

/**
 * The server's {@code start_response}: holds the status and headers until they go out, applies
 * PEP 3333's rules for a second call with {@code excInfo}, and knows the declared
 * {@code Content-Length}. Confined to the thread running the application.
 */
final class ResponseHead implements StartResponse {

    private final Write write;
    private String status;
    private int code;
    private List<Header> headers = List.of();
    private long declaredLength = -1;
    private boolean sent;

    ResponseHead(Write write) {
        this.write = write;
    }

    @Override
    public Write start(String status, List<Header> headers, Throwable excInfo) {
        if (excInfo != null && sent) {
            throw Rethrow.<RuntimeException>sneaky(excInfo);
        }
        if (excInfo == null && this.status != null) {
            throw new IllegalStateException("start_response called a second time without excInfo (PEP 3333);"
                    + " first status " + HeaderRules.quote(this.status) + ", second " + HeaderRules.quote(String.valueOf(status))
                    + "; pass the exception as excInfo to replace the headers of an error");
        }
        int newCode = HeaderRules.statusCode(status);
        if (newCode < 200) {
            // Servlet containers can only send 1xx as interim responses: as the final one, the client hangs.
            throw new IllegalArgumentException("Status must be a final status, 200 or above; 1xx responses are"
                    + " interim and the server's (it sends 100 Continue itself), got " + HeaderRules.quote(status));
        }
        HeaderRules.check(headers);
        long length = contentLength(headers);
        this.status = status;
        this.code = newCode;
        this.headers = List.copyOf(headers);
        this.declaredLength = length;
        return write;
    }

    /** Replaces the head with a server-made one (error pages); allowed until it was sent. */
    void replace(String newStatus, List<Header> newHeaders) {
        this.status = newStatus;
        this.code = HeaderRules.statusCode(newStatus);
        this.headers = newHeaders;
        this.declaredLength = contentLength(newHeaders);
    }

    boolean started() {
        return status != null;
    }

    boolean sent() {
        return sent;
    }

    void markSent() {
        sent = true;
    }

    String status() {
        return status;
    }

    int code() {
        return code;
    }

    List<Header> headers() {
        return headers;
    }

    long declaredLength() {
        return declaredLength;
    }

    private static long contentLength(List<Header> headers) {
        long length = -1;
        for (Header h : headers) {
            if (h.is("Content-Length")) {
                long value = parseLength(h.value());
                if (length >= 0 && value != length) {
                    throw new IllegalArgumentException("Content-Length must be given once, got both "
                            + length + " and " + value);
                }
                length = value;
            }
        }
        return length;
    }

    private static long parseLength(String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("Content-Length must be a non-negative decimal integer, got "
                    + HeaderRules.quote(value));
        }
        return Long.parseLong(value);
    }
}
