package io.jwsgi.python;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Value;

/**
 * One request as the Python side ({@code jwsgi_server.py}) sees it: the only Java object a Python
 * application can reach, and only through its {@link HostAccess.Export exported} methods.
 *
 * <p>Bytes cross as latin-1 strings (one {@code char} per byte): Java's compact strings and
 * Python's {@code str.encode('latin-1')} convert them in bulk, where a {@code byte[]} would be read
 * from Python one element at a time.
 */
public final class Exchange {

    /** Keys whose values the bridge percent-decodes as UTF-8; PEP 3333 wants the raw bytes as latin-1. */
    private static final List<String> DECODED = List.of(Environ.SCRIPT_NAME, Environ.PATH_INFO);

    private final Map<String, Object> environ;
    private final StartResponse startResponse;
    private final InputStream input;
    private final PrintWriter errors;
    private Write write;

    /** Thrown into the bridge's {@code start} as {@code excInfo}; rethrown by it when the headers went out. */
    private static final class HeadersSent extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeadersSent() {
            super("start_response called with exc_info after the headers went out", null, false, false);
        }
    }

    Exchange(Map<String, Object> environ, StartResponse startResponse) {
        this.environ = environ;
        this.startResponse = startResponse;
        // readline() takes a byte at a time: buffered here, as only this object reads the body.
        this.input = new BufferedInputStream(environ.get(Environ.WSGI_INPUT) instanceof InputStream in
                ? in : InputStream.nullInputStream(), 8192);
        this.errors = environ.get(Environ.WSGI_ERRORS) instanceof PrintWriter w ? w : new PrintWriter(System.err, true);
    }

    /**
     * The environ's string values as PEP 3333's native strings, flattened: key, value, key, value.
     * A value the bridge decoded from UTF-8 goes back to its bytes, one character per byte.
     */
    String[] cgi() {
        List<String> flat = new ArrayList<>(environ.size() * 2);
        for (Map.Entry<String, Object> e : environ.entrySet()) {
            if (e.getValue() instanceof String value && e.getKey().indexOf('.') < 0) {
                flat.add(e.getKey());
                flat.add(DECODED.contains(e.getKey()) || !latin1(value) ? bytesAsText(value) : value);
            }
        }
        return flat.toArray(String[]::new);
    }

    private static boolean latin1(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private static String bytesAsText(String value) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** {@code wsgi.url_scheme}. */
    @HostAccess.Export
    public String scheme() {
        return environ.get(Environ.WSGI_URL_SCHEME) instanceof String s ? s : "http";
    }

    /**
     * The bridge's {@code start}. Returns {@code true} when {@code excInfo} is set and the headers
     * already went out: the Python side then re-raises the application's own exception.
     */
    @HostAccess.Export
    public boolean start(String status, Value headers, boolean excInfo) {
        List<Header> list = new ArrayList<>((int) headers.getArraySize() / 2);
        for (long i = 0; i + 1 < headers.getArraySize(); i += 2) {
            list.add(new Header(headers.getArrayElement(i).asString(), headers.getArrayElement(i + 1).asString()));
        }
        HeadersSent marker = excInfo ? new HeadersSent() : null;
        try {
            write = startResponse.start(status, list, marker);
            return false;
        } catch (RuntimeException e) {
            if (marker != null && e == marker) {
                return true;
            }
            throw e;
        }
    }

    /** The legacy {@code write} callable; {@code data} is latin-1 text, one character per byte. */
    @HostAccess.Export
    public void write(String data) throws IOException {
        if (write == null) {
            throw new IllegalStateException("PEP 3333: write() called before start_response");
        }
        write.write(data.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Up to {@code size} bytes, fewer only at the body's end. */
    @HostAccess.Export
    public String read(int size) throws IOException {
        return text(input.readNBytes(size));
    }

    /** The rest of the body. */
    @HostAccess.Export
    public String readAll() throws IOException {
        return text(input.readAllBytes());
    }

    /** Bytes up to and including the next LF, at most {@code limit} of them ({@code -1}: no limit). */
    @HostAccess.Export
    public String readLine(int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        while (limit < 0 || line.size() < limit) {
            int b = input.read();
            if (b < 0) {
                break;
            }
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Text for {@code wsgi.errors}. */
    @HostAccess.Export
    public void log(String text) {
        errors.write(text);
    }

    /** {@code wsgi.errors.flush()}. */
    @HostAccess.Export
    public void flush() {
        errors.flush();
    }

    /** {@code async.sleep}. */
    @HostAccess.Export
    public void sleep() {
        async(Environ.ASYNC_SLEEP).run();
    }

    /** {@code async.wake}: from any thread, any number of times. */
    @HostAccess.Export
    public void wake() {
        async(Environ.ASYNC_WAKE).run();
    }

    private Runnable async(String key) {
        if (environ.get(key) instanceof Runnable r) {
            return r;
        }
        throw new IllegalStateException(key + " is not in the environ: this server does not offer the async extension");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
