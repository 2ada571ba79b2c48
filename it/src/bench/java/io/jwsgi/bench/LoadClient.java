package io.jwsgi.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Java load generator, run in its own JVM on the load core by {@link ClientProcess}: holds
 * thousands of keep-alive connections on one selector thread and timestamps, per request, the
 * arrival of the first response byte and of the last. Also plays slow clients that read a
 * trickle. Commands come on standard input, one per line; answers end with a line {@code ok ...}.
 *
 * <pre>
 * open N                      opens N connections           -> ok open N
 * send PATH FIRST COUNT       GET PATH?id=i on FIRST..FIRST+COUNT-1 -> ok send
 * await COUNT MILLIS          waits for COUNT responses     -> t id firstByteNanos lastByteNanos ... ok await DONE ERRORS
 * slow PATH COUNT BYTES/S     COUNT new connections reading a trickle -> ok slow STARTED
 * closeslow                   closes the slow connections   -> ok closeslow
 * quit
 * </pre>
 */
public final class LoadClient {

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final InetSocketAddress server;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Conn> conns = new ArrayList<>();
    private final List<Conn> slow = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger slowStarted = new AtomicInteger();
    private volatile boolean running = true;
    private int slowQuota;

    private LoadClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
    }

    /**
     * @param args host and port of the server
     */
    public static void main(String[] args) throws Exception {
        LoadClient client = new LoadClient(new InetSocketAddress(args[0], Integer.parseInt(args[1])));
        Thread loop = new Thread(client::loop, "load-client");
        loop.start();
        client.commands(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)), System.out);
        client.running = false;
        client.selector.wakeup();
        loop.join();
        System.exit(0);
    }

    private void commands(BufferedReader in, PrintStream out) throws Exception {
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "open" -> {
                    int n = Integer.parseInt(f[1]);
                    onLoop(() -> openAll(n)).get();
                    out.println("ok open " + conns.size());
                }
                case "send" -> {
                    onLoop(() -> send(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]))).get();
                    out.println("ok send");
                }
                case "await" -> await(Integer.parseInt(f[1]), Long.parseLong(f[2]), out);
                case "slow" -> {
                    onLoop(() -> openSlow(f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]))).get();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (slowStarted.get() < slow.size() && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    out.println("ok slow " + slowStarted.get());
                }
                case "closeslow" -> {
                    onLoop(this::closeSlow).get();
                    out.println("ok closeslow");
                }
                case "quit" -> {
                    return;
                }
                default -> out.println("error unknown command " + line);
            }
            out.flush();
        }
    }

    private CompletableFuture<Void> onLoop(Task task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Exception | Error e) {
                done.completeExceptionally(e);
            }
        });
        selector.wakeup();
        return done;
    }

    private interface Task {
        void run() throws Exception;
    }

    private void await(int count, long millis, PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        // Polled: this is the client's command thread, which has nothing else to do meanwhile.
        while (completed.get() + errors.get() < count && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        StringBuilder b = new StringBuilder();
        for (Conn c : conns) {
            if (c.lastByte != 0) {
                b.append("t ").append(c.id).append(' ').append(c.firstByte).append(' ').append(c.lastByte).append('\n');
            }
        }
        out.print(b);
        out.println(String.format(Locale.ROOT, "ok await %d %d", completed.get(), errors.get()));
    }

    private void loop() {
        long nextTick = System.nanoTime() + TICK_NANOS;
        try {
            while (running) {
                long wait = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - System.nanoTime()));
                selector.select(slow.isEmpty() ? 0 : wait);
                for (Runnable t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    readReady((Conn) key.attachment());
                }
                selector.selectedKeys().clear();
                if (!slow.isEmpty() && System.nanoTime() - nextTick >= 0) {
                    nextTick += TICK_NANOS;
                    trickle();
                }
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    private void openAll(int n) throws IOException {
        for (int i = conns.size(); i < n; i++) {
            conns.add(connect(i, true));
        }
    }

    private Conn connect(int id, boolean register) throws IOException {
        SocketChannel ch = SocketChannel.open(server);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        Conn c = new Conn(id, ch);
        if (register) {
            ch.register(selector, SelectionKey.OP_READ, c);
        }
        return c;
    }

    private void send(String path, int first, int count) throws IOException {
        completed.set(0);
        errors.set(0);
        String sep = path.contains("?") ? "&" : "?";
        for (int i = first; i < first + count; i++) {
            Conn c = conns.get(i);
            c.reset();
            c.write("GET " + path + sep + "id=" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
    }

    private void openSlow(String path, int count, int bytesPerSecond) throws IOException {
        slowQuota = Math.max(1, bytesPerSecond / 10);
        slowStarted.set(0);
        for (int i = 0; i < count; i++) {
            Conn c = connect(-1 - i, false);
            c.reset();
            c.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            slow.add(c);
        }
    }

    private void closeSlow() throws IOException {
        for (Conn c : slow) {
            c.ch.close();
        }
        slow.clear();
    }

    private void trickle() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(slowQuota);
        for (Conn c : slow) {
            b.clear();
            int n = c.ch.read(b);
            if (n > 0 && c.firstByte == 0) {
                c.firstByte = System.nanoTime();
                slowStarted.incrementAndGet();
            }
        }
    }

    private void readReady(Conn c) {
        try {
            while (true) {
                buffer.clear();
                int n = c.ch.read(buffer);
                if (n < 0) {
                    c.ch.close();
                    if (c.lastByte == 0 && c.firstByte != 0) {
                        errors.incrementAndGet();
                    }
                    return;
                }
                if (n == 0) {
                    return;
                }
                long now = System.nanoTime();
                buffer.flip();
                if (c.consume(buffer, now)) {
                    completed.incrementAndGet();
                }
            }
        } catch (IOException e) {
            errors.incrementAndGet();
            try {
                c.ch.close();
            } catch (IOException ignored) {
                // Closing a failed channel.
            }
        }
    }

    /** One connection and the response it is reading. */
    private static final class Conn {
        final int id;
        final SocketChannel ch;
        long firstByte;
        long lastByte;
        private final StringBuilder head = new StringBuilder();
        private boolean inBody;
        private long bodyLeft;

        Conn(int id, SocketChannel ch) {
            this.id = id;
            this.ch = ch;
        }

        void reset() {
            firstByte = 0;
            lastByte = 0;
            head.setLength(0);
            inBody = false;
            bodyLeft = 0;
        }

        void write(String request) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        /** Takes bytes of the response; returns true when they end it. */
        boolean consume(ByteBuffer b, long now) {
            if (firstByte == 0) {
                firstByte = now;
            }
            while (b.hasRemaining()) {
                if (!inBody) {
                    head.append((char) b.get());
                    int len = head.length();
                    if (len >= 4 && head.charAt(len - 1) == '\n' && head.charAt(len - 2) == '\r'
                            && head.charAt(len - 3) == '\n' && head.charAt(len - 4) == '\r') {
                        inBody = true;
                        bodyLeft = contentLength(head.toString());
                    }
                } else {
                    int take = (int) Math.min(bodyLeft, b.remaining());
                    b.position(b.position() + take);
                    bodyLeft -= take;
                }
                if (inBody && bodyLeft == 0) {
                    lastByte = now;
                    return true;
                }
            }
            return false;
        }

        private static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                    return Long.parseLong(line.substring(colon + 1).trim());
                }
            }
            return 0;
        }
    }
}
