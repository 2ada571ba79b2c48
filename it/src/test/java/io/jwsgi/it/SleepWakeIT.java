package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.jwsgi.Environ;
import io.jwsgi.Header;
import io.jwsgi.servlet.JwsgiServlet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** async.sleep and async.wake on a real container: permits, late wakes, and wakes racing writes. */
class SleepWakeIT {

    private static final Router router = new Router();
    private static final JwsgiServlet servlet = new JwsgiServlet(router);
    private static final ExecutorService wakers = Executors.newFixedThreadPool(4);
    private static final LogCapture log = LogCapture.install();

    static {
        router.put("/hello", Router.text("hello\n"));
    }

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().servlet("", "/*", servlet));

    @AfterAll
    static void stop() {
        wakers.shutdownNow();
        log.close();
    }

    @Test
    void wakeBeforeSleepIsKeptSoTheSleepDoesNotSuspend() throws Exception {
        // given an application that wakes itself before each sleep
        String path = router.put("/self-woken", (env, sr) -> {
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            Runnable wake = (Runnable) env.get(Environ.ASYNC_WAKE);
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return new ProbeBody(i -> {
                if (i == 2) {
                    return ProbeBody.END;
                }
                wake.run();
                sleep.run();
                return (i + ",").getBytes(StandardCharsets.UTF_8);
            });
        });

        // when requested, then it completes though nobody else ever wakes it
        assertThat(get(path)).as("self-woken response on %s", server.name()).isEqualTo("200 0,1,");
    }

    @Test
    void wakeAfterTheEndDoesNothing() throws Exception {
        // given a completed response whose wake the application kept
        AtomicReference<Runnable> kept = new AtomicReference<>();
        String path = router.put("/kept-wake", (env, sr) -> {
            kept.set((Runnable) env.get(Environ.ASYNC_WAKE));
            return Router.text("done\n").call(env, sr);
        });
        assertThat(get(path)).as("response on %s", server.name()).isEqualTo("200 done\n");
        Await.until("the response ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
        log.clear();

        // when it is woken, from several threads, after the container recycled the request
        List<CompletableFuture<Void>> wakes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            wakes.add(CompletableFuture.runAsync(kept.get(), wakers));
        }
        CompletableFuture.allOf(wakes.toArray(CompletableFuture[]::new)).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);

        // then nothing happens: no error, and the server serves on
        assertThat(get("/hello")).as("next request on %s", server.name()).isEqualTo("200 hello\n");
        assertThat(log.lines()).as("bridge warnings after late wakes on %s", server.name()).isEmpty();
    }

    @Test
    void wakesFromManyThreadsRacingWritesLoseNoChunk() throws Exception {
        // given 100 concurrent responses of 20 rounds: each round sleeps, yields 16 KB, and is woken
        // by a pool thread (twice on every third round, leaving a permit), racing the write
        int requests = 100;
        int rounds = 20;
        String path = router.put("/racing", (env, sr) -> {
            Runnable sleep = (Runnable) env.get(Environ.ASYNC_SLEEP);
            Runnable wake = (Runnable) env.get(Environ.ASYNC_WAKE);
            sr.start("200 OK", List.of(new Header("Content-Type", "text/plain")));
            return new ProbeBody(i -> {
                if (i == rounds) {
                    return ProbeBody.END;
                }
                sleep.run();
                wakers.execute(wake);
                if (i % 3 == 0) {
                    wakers.execute(wake);
                }
                return Arrays.copyOf((i + ",").getBytes(StandardCharsets.UTF_8), 16 * 1024);
            });
        });
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        // when all are requested at once
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(server.uri(path)).timeout(Await.DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }

        // then every response carries every round, in order
        StringBuilder expected = new StringBuilder("200 ");
        for (int i = 0; i < rounds; i++) {
            expected.append(i).append(',');
        }
        for (CompletableFuture<HttpResponse<byte[]>> pending : responses) {
            HttpResponse<byte[]> response = pending.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(response.statusCode() + " " + withoutPadding(response.body()))
                    .as("racing response on %s", server.name()).isEqualTo(expected.toString());
        }
        Await.until("all responses ended on " + server.name(), () -> servlet.engine().inFlight() == 0);
    }

    private static String withoutPadding(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).replace("\0", "");
    }

    private String get(String path) throws Exception {
        try (RawConnection conn = RawConnection.open(server.port())) {
            RawResponse response = conn.get(path).readResponse();
            return response.status() + " " + response.text();
        }
    }
}
