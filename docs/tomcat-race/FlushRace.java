import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat with one plain async servlet that does its non-blocking writes and flushes on a
 * thread of its own. A third of the clients read the first chunk of an endless response and
 * close; the others make fresh GET /hello requests, each on a new connection, and count those
 * that end without a 200. Usage, with nothing but tomcat-embed-core on the class path:
 *
 * <pre>java -cp tomcat-embed-core-11.0.27.jar FlushRace.java [seconds] [processorCache] [container|own]</pre>
 *
 * Defaults: 30 s, processorCache 200 (Tomcat's default), writes on the servlet's own threads.
 */
public final class FlushRace {

    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 30;
        String processorCache = args.length > 1 ? args[1] : "200";
        boolean ownThreads = args.length < 3 || args[2].equals("own");
        ExecutorService pool = Executors.newFixedThreadPool(16);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("flush-race").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "24");
        connector.setProperty("processorCache", processorCache);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "streams", new Streams(ownThreads ? pool : Runnable::run)).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "streams");
        tomcat.start();
        int port = connector.getLocalPort();
        AtomicLong answered = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Thread[] clients = new Thread[8];
        for (int i = 0; i < clients.length; i++) {
            boolean leaver = i % 3 == 0;
            clients[i] = new Thread(() -> {
                while (System.nanoTime() < end) {
                    boolean ok = leaver ? leave(port) : hello(port);
                    if (!leaver) {
                        (ok ? answered : lost).incrementAndGet();
                    }
                }
            });
            clients[i].start();
        }
        for (Thread client : clients) {
            client.join();
        }
        pool.shutdownNow();
        tomcat.stop();
        tomcat.destroy();
        System.out.printf("Tomcat %s, processorCache=%s, writes on %s threads: %d of %d requests lost%n",
                org.apache.catalina.util.ServerInfo.getServerNumber(), processorCache,
                ownThreads ? "the servlet's own" : "the container's", lost.get(), answered.get() + lost.get());
    }

    /** GET /endless, read the first bytes of the response, close. */
    private static boolean leave(int port) {
        try (Socket socket = connect(port)) {
            send(socket, "/endless");
            return socket.getInputStream().read(new byte[8192]) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** GET /hello on a new connection: true if the response starts with a 200 and holds the whole body. */
    private static boolean hello(int port) {
        try (Socket socket = connect(port)) {
            send(socket, "/hello");
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.startsWith("HTTP/1.1 200 ") && response.endsWith("\r\n\r\nhello\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void send(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /**
     * /hello: six bytes with a Content-Length, then complete. Anything else: 4 KiB chunks, each
     * flushed when the output is ready, until the client leaves. Each onWritePossible hands its
     * writes to {@code writer}.
     */
    public static final class Streams extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient java.util.concurrent.Executor writer;

        Streams(java.util.concurrent.Executor writer) {
            this.writer = writer;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean hello = request.getRequestURI().equals("/hello");
            AsyncContext async = request.startAsync();
            async.setTimeout(0);
            if (hello) {
                response.setContentLength(HELLO.length);
            }
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private final byte[] chunk = new byte[4096];
                private boolean done;

                @Override
                public void onWritePossible() {
                    writer.execute(this::write);
                }

                private synchronized void write() {
                    try {
                        while (!done && out.isReady()) {
                            if (hello) {
                                out.write(HELLO);
                                done = true;
                                async.complete();
                            } else {
                                out.write(chunk);
                                if (out.isReady()) {
                                    out.flush();
                                }
                            }
                        }
                    } catch (IOException e) {
                        done = true;
                    }
                }

                @Override
                public synchronized void onError(Throwable t) {
                    done = true;
                }
            });
        }
    }
}
