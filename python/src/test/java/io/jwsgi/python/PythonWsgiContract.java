package io.jwsgi.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Python WSGI applications (WEB-INF/python/judged.py), each wrapped in {@code wsgiref.validate.validator},
 * served by {@link PythonServlet} over real HTTP. After every test the validator's complaints
 * ({@code AssertionError}, and every warning, {@code WSGIWarning} included, raised as an error)
 * must be none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PythonWsgiContract {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int SLEEPERS = 500;
    /** The servlet's pool-size in WEB-INF/web.xml. */
    private static final int BRIDGE_POOL = 4;

    private WebServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    abstract WebServer start() throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        server = start();
    }

    @AfterAll
    void stopServer() throws Exception {
        client.shutdownNow();
        if (server != null) {
            server.stop();
        }
    }

    @AfterEach
    void validatorRaisedNothing() throws Exception {
        assertThat(judge("failures")).as("wsgiref.validate complaints on %s", getClass().getSimpleName()).isEqualTo("[]");
    }

    @Test
    void wsgirefDemoAppServesTheEnviron() throws Exception {
        HttpResponse<String> response = get("/demo?a=1");
        assertThat(response.statusCode()).isEqualTo(200);
        // Both containers parse Content-Type and send it back without the blank before charset.
        assertThat(response.headers().firstValue("Content-Type").orElse("").replace(" ", "")).isEqualTo("text/plain;charset=utf-8");
        assertThat(response.body()).startsWith("Hello world!").contains("PATH_INFO = '/demo'", "QUERY_STRING = 'a=1'",
                "wsgi.version = (1, 0)", "wsgi.multithread = True");
    }

    @Test
    void environHoldsNativeStringsWithBytesAsLatin1() throws Exception {
        HttpResponse<String> response = get("/echo/caf%C3%A9?q=%C3%A9&x=1");
        assertThat(response.statusCode()).isEqualTo(200);
        String json = response.body();
        // PEP 3333: the path's UTF-8 bytes, one latin-1 character each ("é" is C3 A9 -> "Ã©").
        assertThat(json).contains("\"PATH_INFO\": \"/echo/caf\\u00c3\\u00a9\"", "\"QUERY_STRING\": \"q=%C3%A9&x=1\"",
                "\"REQUEST_METHOD\": \"GET\"", "\"SCRIPT_NAME\": \"\"", "\"SERVER_PROTOCOL\": \"HTTP/1.1\"",
                "\"wsgi.version\": [1, 0]", "\"wsgi.multithread\": true", "\"wsgi.multiprocess\": false",
                "\"wsgi.run_once\": false", "\"wsgi.input_terminated\": true", "\"types\": [\"str\"]");
    }

    @Test
    void generatorStreamsEveryChunk() throws Exception {
        HttpResponse<String> response = get("/stream?300");
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            expected.append("chunk ").append(i).append('\n');
        }
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(expected.toString());
    }

    @Test
    void uploadIsReadByReadlineIterReadlinesAndRead() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            body.write(("line " + i + " " + "x".repeat(i % 97) + "\n").getBytes(StandardCharsets.US_ASCII));
            // Bytes above 0x7F must reach Python unchanged.
            body.write(new byte[] {(byte) 0x80, (byte) 0xC3, (byte) 0xFF, '\n'});
        }
        body.write("no newline at the end".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = body.toByteArray();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        for (String how : List.of("readline", "iter", "readlines", "read")) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/upload?" + how))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            int lines = how.equals("read") ? 2000 : 2001;
            assertThat(response.body()).as("upload read by %s", how).isEqualTo(lines + " " + sha);
        }
    }

    @Test
    void excInfoBeforeTheHeadersReplacesTheResponse() throws Exception {
        HttpResponse<String> response = get("/error/before");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("replaced by the error page");
    }

    @Test
    void excInfoAfterTheHeadersReRaisesTheApplicationsOwnError() throws Exception {
        assertThatThrownBy(() -> get("/error/after")).as("a body cut after its headers went out").isInstanceOf(IOException.class);
        await("start_response re-raised exc_info", () -> judge("reraised").equals("[true]"));
    }

    @Test
    void writeCallableWritesBeforeTheIterable() throws Exception {
        HttpResponse<String> response = get("/write");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("written, then returned");
    }

    @Test
    void fileWrapperSendsTheFile() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(server.uri("/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Files.readAllBytes(WebServer.webapp().resolve("WEB-INF/python/judged.py")));
    }

    @Test
    void fiveHundredPythonLongPollsSleepHoldingNoThreadAndAllWake() throws Exception {
        int closedBefore = Integer.parseInt(judge("closed"));
        int threadsBefore = serverThreads().size();
        List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
        for (int i = 0; i < SLEEPERS; i++) {
            polls.add(client.sendAsync(HttpRequest.newBuilder(server.uri("/sleep?" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // 24 container threads and 4 bridge threads could not hold 500 requests if sleepers held threads.
        await(SLEEPERS + " Python long polls asleep", () -> judge("asleep").equals(Integer.toString(SLEEPERS)));
        List<String> threadsAsleep = serverThreads();
        assertThat(threadsAsleep.size() - threadsBefore).as("threads added while %d sleep: %s", SLEEPERS, threadsAsleep)
                .isLessThanOrEqualTo(WebServer.MAX_THREADS + BRIDGE_POOL);

        assertThat(get("/stream?3").body()).as("another request while they sleep").isEqualTo("chunk 0\nchunk 1\nchunk 2\n");
        assertThat(get("/wake").body()).isEqualTo(Integer.toString(SLEEPERS));

        for (int i = 0; i < SLEEPERS; i++) {
            HttpResponse<String> response = polls.get(i).get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(response.statusCode() + " " + response.body()).isEqualTo("200 woke " + i + "\n");
        }
        await("every long poll's body closed", () -> Integer.parseInt(judge("closed")) - closedBefore == SLEEPERS);
    }

    /** The JVM's threads but the test's HTTP client's. */
    private static List<String> serverThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient")).sorted().toList();
    }

    @Test
    void aPythonAppBlockedOnALockStallsNoOtherRequest() throws Exception {
        // given a request whose Python code waits on a threading.Event, holding one bridge thread
        CompletableFuture<HttpResponse<String>> blocked = client.sendAsync(
                HttpRequest.newBuilder(server.uri("/block")).build(), HttpResponse.BodyHandlers.ofString());
        await("the request blocked in Python", () -> judge("blocked").equals("1"));

        // then other requests run Python meanwhile: the waiting thread does not hold the GIL
        assertThat(get("/stream?3").body()).isEqualTo("chunk 0\nchunk 1\nchunk 2\n");
        assertThat(blocked).as("the blocked request, still waiting").isNotDone();

        // when another request sets the Event, then the blocked one answers
        assertThat(get("/unblock").body()).isEqualTo("set");
        assertThat(blocked.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).body()).isEqualTo("unblocked");
    }

    @Test
    void pythonChatReachesTheOtherBrowserWindowThroughASleepingLongPoll() throws Exception {
        Chromium.Session chromium = Chromium.start();
        try {
            ChromeDriver driver = chromium.driver();
            String message = "hello from " + getClass().getSimpleName();
            // given the chat page in two windows, each long-polling
            driver.get(server.uri("/chat/").toString());
            String left = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.WINDOW);
            driver.get(server.uri("/chat/").toString());
            String right = driver.getWindowHandle();
            await("both windows' long polls asleep", () -> Integer.parseInt(judge("waiting")) >= 2);

            // when the left window posts
            driver.switchTo().window(left);
            driver.findElement(By.id("text")).sendKeys(message);
            driver.findElement(By.cssSelector("#form button")).click();

            // then both windows show it
            for (String window : List.of(right, left)) {
                driver.switchTo().window(window);
                new WebDriverWait(driver, DEADLINE, Duration.ofMillis(20)).withMessage("the message in a chat window")
                        .until(d -> d.findElements(By.cssSelector("#log li")).stream()
                                .anyMatch(li -> li.getText().equals(message)));
            }
        } finally {
            chromium.quit();
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(server.uri(pathAndQuery)).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** One field of /judge's JSON, as its raw JSON text. */
    private String judge(String field) throws IOException, InterruptedException {
        String json = get("/judge").body();
        Matcher m = Pattern.compile("\"" + field + "\": (\\[[^\\]]*\\]|\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("/judge has no " + field + ": " + json);
        }
        return m.group(1);
    }

    private static void await(String what, Check check) throws Exception {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + DEADLINE.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }
}
