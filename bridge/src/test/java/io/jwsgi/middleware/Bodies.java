package io.jwsgi.middleware;

import io.jwsgi.Application;
import io.jwsgi.Header;
import io.jwsgi.StartResponse;
import io.jwsgi.Write;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Helpers for middleware tests: calling an application directly, and decoding gzip as it arrives. */
final class Bodies {

    private Bodies() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What a direct call saw: the last start_response arguments and every chunk, empty ones included. */
    static final class Direct {
        String status;
        List<Header> headers;
        final List<byte[]> chunks = new ArrayList<>();
        Iterable<byte[]> body;

        String header(String name) {
            return HeaderList.get(headers, name);
        }
    }

    /** Calls an application without a server and iterates its body to the end, keeping empty chunks. */
    static Direct iterate(Application app, Map<String, Object> environ) throws Exception {
        Direct d = new Direct();
        StartResponse start = (status, headers, excInfo) -> {
            d.status = status;
            d.headers = headers;
            Write w = data -> d.chunks.add(data);
            return w;
        };
        d.body = app.call(environ, start);
        for (Iterator<byte[]> it = d.body.iterator(); it.hasNext(); ) {
            d.chunks.add(it.next());
        }
        if (d.body instanceof AutoCloseable c) {
            c.close();
        }
        return d;
    }

    /** Decodes as much of a gzip stream as has arrived; a SYNC_FLUSH'd prefix decodes whole. */
    static String gunzipPrefix(byte[] gzip) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(gzip, 10, gzip.length - 10);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            inflater.end();
        }
    }

    /** Decodes a whole gzip stream with the JDK's own reader, which checks the trailer's CRC and length. */
    static String gunzip(byte[] gzip) throws java.io.IOException {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
