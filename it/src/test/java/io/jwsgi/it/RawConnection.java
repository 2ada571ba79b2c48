package io.jwsgi.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written and read by hand over one socket, for what {@code java.net.http} hides
 * (chunk boundaries, an incomplete body, the client's own port) or refuses to send
 * (header names with {@code _}, repeated headers). Reads time out after {@link #TIMEOUT_MILLIS}.
 */
final class RawConnection implements AutoCloseable {

    /** How long any single read may block: generous, a busy machine must not fail the tests. */
    static final int TIMEOUT_MILLIS = 30_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private Map<String, List<String>> headers;
    private int status;
    private List<String> statusLines = new ArrayList<>();
    private boolean chunkEndOwed;
    private boolean answered;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port. */
    static RawConnection open(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return new RawConnection(socket);
    }

    /** The client side's port, which the server must report as REMOTE_PORT. */
    int localPort() {
        return socket.getLocalPort();
    }

    /** Whether the server has sent any byte on this connection yet. */
    boolean answered() {
        return answered;
    }

    /** Sends text (request line and headers, CRLF-separated) as UTF-8. */
    RawConnection send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes. */
    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Ends the request stream (a half close): the server reads EOF after what was sent. */
    RawConnection finishSending() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** Sends a GET for the path with {@code Host} and the extra header lines. */
    RawConnection get(String pathAndQuery, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(socket.getPort()).append("\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        return send(request.append("\r\n").toString());
    }

    /** Reads the status line and headers of the final response, skipping interim 1xx ones as clients do. */
    int readHead() throws IOException {
        statusLines = new ArrayList<>();
        while (readOneHead() / 100 == 1 && status != 101) {
            // an interim response (100 Continue, 103 Early Hints): the final one follows
        }
        return status;
    }

    /** Reads one status line and its headers, interim or final. */
    int readOneHead() throws IOException {
        String statusLine = readLine();
        statusLines.add(statusLine);
        if (!statusLine.startsWith("HTTP/1.1 ") && !statusLine.startsWith("HTTP/1.0 ")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        status = Integer.parseInt(statusLine.substring(9, 12));
        headers = new LinkedHashMap<>();
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return status;
    }

    /**
     * The status lines read since the last {@link #readHead()} began (without their CRLF): the
     * interim ones it skipped, then the final one.
     */
    List<String> statusLines() {
        return List.copyOf(statusLines);
    }

    /**
     * Waits for a byte from the server for a while, without consuming it.
     *
     * @param window how long to wait; a window the server could not stay silent through if it
     *     were going to answer, on a busy machine
     * @return {@code true} if nothing arrived (and the connection is still open)
     */
    boolean silentFor(Duration window) throws IOException {
        socket.setSoTimeout((int) window.toMillis());
        in.mark(1);
        try {
            if (in.read() < 0) {
                return false;
            }
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(TIMEOUT_MILLIS);
        }
    }

    /** Ends the client's side of the connection (a FIN), still reading what the server sends. */
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Ends the connection with a TCP reset instead of an orderly close, as a crashing client does.
     */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /**
     * Reads the next chunk of a chunked body (after {@link #readHead()}).
     *
     * @return the chunk's bytes; empty at the terminating chunk
     * @throws EOFException if the connection ended before a whole chunk arrived
     */
    byte[] readChunk() throws IOException {
        if (chunkEndOwed && !readLine().isEmpty()) {
            throw new IOException("chunk data not followed by CRLF");
        }
        chunkEndOwed = false;
        String sizeLine = readLine();
        int semicolon = sizeLine.indexOf(';');
        int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
        if (size == 0) {
            while (!readLine().isEmpty()) {
                // trailer fields: none expected, skipped
            }
            return new byte[0];
        }
        byte[] data = in.readNBytes(size);
        if (data.length < size) {
            throw new EOFException("chunk of " + size + " bytes cut after " + data.length);
        }
        // Jetty sends a chunk's closing CRLF only with the next chunk: read it then, not now.
        chunkEndOwed = true;
        return data;
    }

    /**
     * Reads the rest of a chunked body whose head (and maybe some chunks) was read already.
     *
     * @return {@code true} if the terminating chunk came, {@code false} if the connection ended first
     * @throws java.net.SocketTimeoutException if the server left the client waiting
     */
    boolean readRestOfChunkedBody() throws IOException {
        try {
            while (readChunk().length > 0) {
                // the body's bytes are not needed
            }
            return true;
        } catch (EOFException | SocketException e) {
            return false;
        }
    }

    /**
     * Reads a whole response: head and body by its framing. A connection that ends (EOF or
     * reset) before the framing is satisfied gives {@code complete == false}; a read that times
     * out throws, since the server left the client waiting.
     */
    RawResponse readResponse() throws IOException {
        readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean complete = readBody(body);
        return new RawResponse(status, headers, body.toByteArray(), complete);
    }

    private boolean readBody(ByteArrayOutputStream body) throws IOException {
        String te = first("transfer-encoding");
        String length = first("content-length");
        try {
            if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
                for (byte[] chunk = readChunk(); chunk.length > 0; chunk = readChunk()) {
                    body.write(chunk);
                }
                return true;
            }
            if (length != null) {
                long n = Long.parseLong(length);
                byte[] data = in.readNBytes((int) n);
                body.write(data);
                return data.length == n;
            }
            if (status == 204 || status == 304) {
                return true;
            }
            in.transferTo(body);
            return true;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (EOFException | SocketException e) {
            // The server cut the connection (FIN or RST) before the body's end.
            return false;
        }
    }

    /**
     * Waits until the server closes the connection, discarding anything it still sends.
     *
     * @return {@code true} if the connection ended (EOF or reset) within the timeout
     */
    boolean awaitServerClose() throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Reads whatever the server still sends until it closes the connection.
     *
     * @return those bytes as UTF-8 text
     * @throws SocketTimeoutException if the server keeps the connection open past the timeout
     */
    String readUntilClosed() throws IOException {
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        try {
            in.transferTo(rest);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (SocketException e) {
            // a reset ends it as well as a FIN
        }
        return rest.toString(StandardCharsets.UTF_8);
    }

    private String first(String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended inside a line: " + line.toString(StandardCharsets.UTF_8));
            }
            if (b == '\n') {
                answered = true;
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            answered = true;
            line.write(b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
