package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * The sample WAR's chat and streaming pages in headless Chromium, on the container under test:
 * what a user sees, JavaScript included. With {@code -Djwsgi.screenshots=DIR} the tests also
 * write {@code chat.png} and {@code stream.png} there (see {@link Screenshots}).
 */
class SampleBrowserIT {

    private static final int WIDTH = 720;
    private static final int HEIGHT = 760;
    private static final int STREAM_STEPS = 10;

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().sampleWar(""));

    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start(WIDTH, HEIGHT);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    /** One line of the chat as a page shows it. */
    record Line(String name, String text) {
    }

    @ParameterizedTest(name = "over {1}")
    @CsvSource({
        "poll, long-poll",
        "sse,  server-sent events",
    })
    void messagePostedInOneWindowAppearsInTheOther(String transport, String label) throws Exception {
        // given the chat page open in two windows, each receiving through the transport
        String page = "/chat/?transport=" + transport;
        String left = browser.open(server.uri(page));
        String right = browser.openWindow(server.uri(page));
        try {
            awaitStatus(left, "connected (" + label + ")");
            awaitStatus(right, "connected (" + label + ")");

            // when Ada posts in the left window, then the right window shows her message
            Line hello = new Line("Ada", "Hello from the left window, over " + label);
            post(left, hello);
            awaitLine(right, hello);

            // when Grace answers in the right window, then the left window shows the answer
            Line answer = new Line("Grace", "Hi Ada, the right window got it over " + label);
            post(right, answer);
            awaitLine(left, answer);

            // then both windows show the same conversation, ending with the two messages
            List<Line> shownLeft = lines(left);
            assertThat(shownLeft).as("the left window's chat over %s on %s", label, server.name())
                    .endsWith(hello, answer);
            awaitLine(right, answer);
            assertThat(lines(right)).as("the right window's chat over %s on %s", label, server.name())
                    .isEqualTo(shownLeft);

            if (transport.equals("sse")) {
                Screenshots.save("chat", Screenshots.sideBySide(screenshot(left), screenshot(right)));
            }
        } finally {
            browser.window(right).close();
            browser.window(left);
        }
    }

    @Test
    void streamingPageShowsLinesAsTheyArrive() throws Exception {
        // given the streaming page, reading a run of ten steps 300 ms apart as it arrives
        String window = browser.open(server.uri("/stream/?lines=" + STREAM_STEPS + "&interval=300"));
        int total = STREAM_STEPS + 2;

        // when the first line has arrived, then the others are still to come
        int firstSeen = browser.await("a line of the stream shown on " + server.name(), d -> {
            int n = rows(d).size();
            return n > 0 ? n : null;
        });
        assertThat(firstSeen).as("lines shown when the first one appears on %s (of %d)", server.name(), total)
                .isBetween(1, total - 1);

        // then all of them arrive, in order, and the page says it is done
        browser.await("the stream's end shown on " + server.name(),
                d -> d.findElement(By.id("status")).getText().equals("done"));
        List<String> shown = new ArrayList<>();
        for (WebElement row : rows(browser.window(window))) {
            shown.add(row.findElements(By.tagName("td")).get(1).getText());
        }
        assertThat(shown.subList(0, total - 1)).as("the lines the page shows on %s", server.name()).containsExactly(
                "Counting the primes below 1000000 in 10 steps, pausing 300 ms before each without holding a thread.",
                "step 1/10: 9592 primes below 100000",
                "step 2/10: 17984 primes below 200000",
                "step 3/10: 25997 primes below 300000",
                "step 4/10: 33860 primes below 400000",
                "step 5/10: 41538 primes below 500000",
                "step 6/10: 49098 primes below 600000",
                "step 7/10: 56543 primes below 700000",
                "step 8/10: 63951 primes below 800000",
                "step 9/10: 71274 primes below 900000",
                "step 10/10: 78498 primes below 1000000");
        assertThat(shown.get(total - 1)).as("the summary line on %s", server.name())
                .matches("done: 78498 primes in \\d+ ms");

        Screenshots.save("stream", browser.screenshot());
    }

    private static void awaitStatus(String window, String expected) {
        browser.window(window);
        browser.await("status \"" + expected + "\" on " + server.name(),
                d -> d.findElement(By.id("status")).getText().equals(expected));
    }

    private static void post(String window, Line line) {
        WebDriver page = browser.window(window);
        WebElement name = page.findElement(By.id("name"));
        name.clear();
        name.sendKeys(line.name());
        page.findElement(By.id("text")).sendKeys(line.text());
        page.findElement(By.id("send")).click();
    }

    private static void awaitLine(String window, Line line) {
        browser.window(window);
        browser.await(line + " shown in window " + window + " on " + server.name(), d -> lines(d).contains(line));
    }

    private static List<Line> lines(String window) {
        return lines(browser.window(window));
    }

    private static List<Line> lines(WebDriver page) {
        List<Line> lines = new ArrayList<>();
        for (WebElement item : page.findElements(By.cssSelector("#messages li"))) {
            lines.add(new Line(item.findElement(By.className("name")).getText(),
                    item.findElement(By.className("text")).getText()));
        }
        return lines;
    }

    private static List<WebElement> rows(WebDriver page) {
        return page.findElements(By.cssSelector("#lines tr.line"));
    }

    private static BufferedImage screenshot(String window) {
        browser.window(window);
        return browser.screenshot();
    }
}
