package io.jwsgi.sample.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.jwsgi.testtools.RequiredTools;
import io.jwsgi.testtools.Tool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code redis-server} (Debian's package) on a free loopback port, without persistence,
 * for one test class. On a machine without the binary the test is skipped, naming the
 * package ({@link RequiredTools}; {@code .ci/run} installs it and makes a skip a failure).
 */
final class RedisServer implements AutoCloseable {

    private static final long DEADLINE_MILLIS = 20_000;

    private final String binary;
    private final int port;
    private Process process;

    private RedisServer(String binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    /** Starts a server on a free port. */
    static RedisServer start() throws IOException {
        String binary = RequiredTools.require("the Redis tests", Tool.REDIS_SERVER).get(0).toString();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RedisServer server = new RedisServer(binary, port);
        server.startProcess();
        return server;
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    /** Kills the server, as a crash would; {@link #restart()} brings it back on the same port, empty. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)).as("redis-server stopped").isTrue();
    }

    void restart() throws IOException {
        startProcess();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(DEADLINE_MILLIS, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void startProcess() throws IOException {
        Path log = Files.createTempFile("redis-" + port + "-", ".log");
        process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("redis-server on port " + port + " did not start; its log:\n" + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
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
}
