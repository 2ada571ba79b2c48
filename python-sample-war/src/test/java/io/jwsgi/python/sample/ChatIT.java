package io.jwsgi.python.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jwsgi.testtools.RequiredTools;
import io.jwsgi.testtools.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Python chat of this WAR, deployed as built (exploded, GraalPy in its WEB-INF/lib) on Jetty 12
 * and Tomcat 11, in two headless Chromium windows: a message posted in one reaches the other through
 * its long poll, asleep until the post woke it. Skipped without Debian's {@code chromium} and
 * {@code chromium-driver} ({@link RequiredTools}).
 */
class ChatIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @ParameterizedTest
    @ValueSource(strings = {"jetty", "tomcat"})
    void aMessagePostedInOneWindowWakesTheOthersLongPoll(String container) throws Exception {
        List<Path> tools = RequiredTools.require("the Python sample chat's browser tests", Tool.CHROMIUM, Tool.CHROMEDRIVER);
        assertThatThrownBy(() -> Class.forName("org.graalvm.polyglot.Context"))
                .as("GraalPy must come from the WAR's WEB-INF/lib, not from the test's classpath")
                .isInstanceOf(ClassNotFoundException.class);
        SampleServer server = container.equals("jetty") ? SampleServer.jetty(webapp()) : SampleServer.tomcat(webapp());
        Path profile = Files.createTempDirectory("jwsgi-python-sample-chromium");
        ChromeDriver driver = chromium(tools, profile);
        try (HttpClient client = HttpClient.newHttpClient()) {
            String message = "hello from the left window on " + container;
            // given the chat in two windows, each with a long poll asleep on the server
            driver.get(server.uri("/").toString());
            String left = driver.getWindowHandle();
            driver.switchTo().newWindow(WindowType.WINDOW);
            driver.get(server.uri("/").toString());
            String right = driver.getWindowHandle();
            await("both windows' polls asleep", () -> status(client, server, "listening") >= 2);

            // when the left window posts
            driver.switchTo().window(left);
            driver.findElement(By.id("text")).sendKeys(message);
            driver.findElement(By.cssSelector("#form button")).click();

            // then the right window (woken) and the left one show it, and both poll again
            for (String window : List.of(right, left)) {
                driver.switchTo().window(window);
                new WebDriverWait(driver, DEADLINE, Duration.ofMillis(20)).withMessage("the message in a chat window")
                        .until(d -> d.findElements(By.cssSelector("#log li")).stream()
                                .anyMatch(li -> li.getText().equals(message)));
            }
            assertThat(status(client, server, "messages")).isEqualTo(1);
            await("both windows' polls asleep again", () -> status(client, server, "listening") >= 2);
        } finally {
            try {
                driver.quit();
            } finally {
                server.stop();
                delete(profile);
            }
        }
    }

    /** The exploded WAR (target/jwsgi-python-sample), from the build. */
    static Path webapp() {
        String dir = System.getProperty("jwsgi.webapp", "");
        if (dir.isEmpty()) {
            throw new IllegalStateException("system property jwsgi.webapp must name the exploded WAR; run through mvn verify");
        }
        return Path.of(dir);
    }

    private static ChromeDriver chromium(List<Path> tools, Path profile) {
        // Selenium Manager must not look for a driver online: Debian's is given below.
        System.setProperty("SE_OFFLINE", "true");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(tools.get(0).toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=800,600");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(tools.get(1).toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    /** One number of /status's JSON. */
    private static int status(HttpClient client, SampleServer server, String field) throws Exception {
        String json = client.send(HttpRequest.newBuilder(server.uri("/status")).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"" + field + "\": (\\d+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("/status has no " + field + ": " + json);
        }
        return Integer.parseInt(m.group(1));
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

    static void delete(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean ok() throws Exception;
    }

    /** An embedded container serving one web application at the root, on a free loopback port. */
    interface SampleServer {
        int port();

        void stop() throws Exception;

        default URI uri(String path) {
            return URI.create("http://127.0.0.1:" + port() + path);
        }

        static SampleServer jetty(Path webapp) throws Exception {
            var server = new org.eclipse.jetty.server.Server();
            var connector = new org.eclipse.jetty.server.ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(new org.eclipse.jetty.ee11.webapp.WebAppContext(webapp.toString(), "/"));
            server.start();
            return new SampleServer() {
                @Override
                public int port() {
                    return connector.getLocalPort();
                }

                @Override
                public void stop() throws Exception {
                    server.stop();
                }
            };
        }

        static SampleServer tomcat(Path webapp) throws Exception {
            Path base = Files.createTempDirectory("jwsgi-python-sample-tomcat");
            // Tomcat logs SEVERE when deploying unless the host's appBase exists before start.
            Files.createDirectories(base.resolve("webapps"));
            var tomcat = new org.apache.catalina.startup.Tomcat();
            tomcat.setBaseDir(base.toString());
            var connector = new org.apache.catalina.connector.Connector("HTTP/1.1");
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            // No default web.xml: it declares the JSP servlet, whose classes (Jasper) are not here.
            tomcat.setAddDefaultWebXmlToWebapp(false);
            var context = tomcat.addWebapp("", webapp.toAbsolutePath().toString());
            // Scanning GraalPy's jars in WEB-INF/lib for TLDs and annotations only costs time: web.xml names the servlet.
            var skipAll = new org.apache.tomcat.util.scan.StandardJarScanFilter();
            skipAll.setTldSkip("*");
            skipAll.setPluggabilitySkip("*");
            context.getJarScanner().setJarScanFilter(skipAll);
            tomcat.start();
            return new SampleServer() {
                @Override
                public int port() {
                    return connector.getLocalPort();
                }

                @Override
                public void stop() throws Exception {
                    try {
                        tomcat.stop();
                        tomcat.destroy();
                    } finally {
                        delete(base);
                    }
                }
            };
        }
    }
}
