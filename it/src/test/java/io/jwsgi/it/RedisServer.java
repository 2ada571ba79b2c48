package io.jwsgi.it;

import static org.assertj.core.api.Assertions.fail;

import io.jwsgi.testtools.RequiredTools;
import io.jwsgi.testtools.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, without persistence,
 * started by a test and stopped after it. On a machine without the binary the test is skipped, naming
 * the package ({@link RequiredTools}; {@code .ci/run} installs it and makes a skip a failure).
 */
final class RedisServer implements AutoCloseable {

    private static final long DEADLINE_MILLIS = Await.DEADLINE.toMillis();

    private final int port;
    private final Process process;
    private final Path log;

    private RedisServer(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts a server on a free port and waits until it answers {@code PING}. */
    static RedisServer start() throws IOException {
        String binary = RequiredTools.require("the Redis tests", Tool.REDIS_SERVER).get(0).toString();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path log = Files.createTempFile("redis-" + port + "-", ".log");
        Process process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RedisServer server = new RedisServer(port, process, log);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!server.answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                server.close();
                fail("redis-server on port " + port + " did not start; its log:\n" + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return server;
    }

    /** The URL the chat is configured with. */
    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /**
     * Starts watching every command the server runs ({@code MONITOR}).
     *
     * @return the watch; close it when done
     */
    Monitor monitor() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) DEADLINE_MILLIS);
        Monitor monitor = new Monitor(socket);
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        String reply = monitor.in.readLine();
        if (!"+OK".equals(reply)) {
            monitor.close();
            throw new IOException("MONITOR answered " + reply + ", expected +OK");
        }
        return monitor;
    }

    /** Stops the server and deletes its log. */
    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
    }

    private boolean answersPing() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The commands the server runs from now on, one line each as {@code MONITOR} prints them:
     * {@code +1732490000.123456 [0 127.0.0.1:40000] "ZRANGE" "key" "(1" "+inf" "BYSCORE"}.
     */
    static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;

        private Monitor(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * Reads the commands run since the last call until one starts with these words: its name
         * and first arguments, compared case-insensitively.
         *
         * @param what the command's meaning, for the failure message
         * @param command the command's name and first arguments, e.g. {@code "zrange", "jwsgi:chat:history", "(1"}
         * @throws AssertionError if none comes within {@link Await#DEADLINE}
         */
        void await(String what, String... command) throws IOException {
            StringBuilder wanted = new StringBuilder("]");
            for (String word : command) {
                wanted.append(" \"").append(word).append('"');
            }
            String expected = wanted.toString().toLowerCase(Locale.ROOT);
            try {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.toLowerCase(Locale.ROOT).contains(expected)) {
                        return;
                    }
                }
                throw new AssertionError("redis-server closed the MONITOR connection before " + what);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("not within " + Await.DEADLINE.toSeconds() + " s: " + what
                        + " (a command containing " + expected + ")", e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
