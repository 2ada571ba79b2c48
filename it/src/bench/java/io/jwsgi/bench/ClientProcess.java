package io.jwsgi.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LoadClient} in its own JVM on the load core: keeps the load generator's sockets, threads
 * and garbage out of the server JVM being measured, and its file descriptors under the server's
 * limit (10,000 on each side). {@code System.nanoTime()} is the same monotonic clock in both JVMs
 * on Linux, so times taken on either side can be subtracted.
 */
final class ClientProcess implements AutoCloseable {

    /** When a response's first and last byte arrived. */
    record Times(long firstByte, long lastByte) {
    }

    /** The answer to an await. */
    record Awaited(int completed, int errors, Map<Integer, Times> times) {
    }

    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;

    private ClientProcess(Process process) {
        this.process = process;
        this.in = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), true);
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Starts a client JVM for the server on {@code port}. */
    static ClientProcess start(int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = Cpus.loadCommand(new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), LoadClient.class.getName(), "127.0.0.1",
                Integer.toString(port))));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ClientProcess(p);
    }

    /** Opens connections until there are {@code n}. */
    void open(int n) throws IOException {
        command("open " + n);
    }

    /** Sends {@code GET path?id=i} on connections {@code first .. first+count-1}. */
    void send(String path, int first, int count) throws IOException {
        command("send " + path + " " + first + " " + count);
    }

    /** Waits for {@code count} responses since the last send, at most {@code millis}. */
    Awaited await(int count, long millis) throws IOException {
        in.println("await " + count + " " + millis);
        Map<Integer, Times> times = new HashMap<>(count * 2);
        for (String line; (line = out.readLine()) != null; ) {
            String[] f = line.split(" ");
            if (f[0].equals("t")) {
                times.put(Integer.parseInt(f[1]), new Times(Long.parseLong(f[2]), Long.parseLong(f[3])));
            } else if (f[0].equals("ok")) {
                return new Awaited(Integer.parseInt(f[2]), Integer.parseInt(f[3]), times);
            } else {
                throw new IllegalStateException("load client: " + line);
            }
        }
        throw new IOException("load client ended");
    }

    /** Opens {@code count} slow clients on {@code path}; returns how many got a first byte. */
    int slow(String path, int count, int bytesPerSecond) throws IOException {
        return Integer.parseInt(command("slow " + path + " " + count + " " + bytesPerSecond)[2]);
    }

    void closeSlow() throws IOException {
        command("closeslow");
    }

    private String[] command(String line) throws IOException {
        in.println(line);
        String answer = out.readLine();
        if (answer == null || !answer.startsWith("ok ")) {
            throw new IllegalStateException("load client answered \"" + answer + "\" to \"" + line + "\"");
        }
        return answer.split(" ");
    }

    @Override
    public void close() {
        in.println("quit");
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
