package io.jwsgi.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * The sample WAR's pages in headless Chromium at a desktop (1280×800) and a phone (390×844)
 * window: nothing is wider than its box or the window, no table header (the environ inspector's
 * keys among them) breaks a word in two, the chat's send form is in view without scrolling, the
 * upload form sends its file as {@code multipart/form-data}, and the favicon is served. Each
 * page is kept as a screenshot in {@code target/screenshots/layout/}.
 */
class SampleLayoutIT {

    /** A word no line can hold whole at either width, to show that messages wrap. */
    private static final String LONG_WORD = "https://example.com/" + "a-very-long-path-segment/".repeat(8);

    @RegisterExtension
    static final ContainerExtension server = new ContainerExtension(new Deployment().sampleWar(""));

    private static Browser browser;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start(1280, 800);
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    /**
     * Every visible element whose content is wider than its box (it scrolls or spills over), and
     * the document if it is wider than the window; form fields, which scroll their own text, aside.
     */
    private static final String OVERFLOWS = """
            const found = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > window.innerWidth) {
              found.push('the document: ' + doc.scrollWidth + ' px wide in a ' + window.innerWidth + ' px window');
            }
            for (const el of document.body.querySelectorAll('*')) {
              if (['INPUT', 'TEXTAREA', 'SELECT', 'SCRIPT'].includes(el.tagName) || el.getClientRects().length === 0) continue;
              if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) {
                found.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + el.className : '')
                    + ': content ' + el.scrollWidth + ' px in a ' + el.clientWidth + ' px box');
              }
              const box = el.getBoundingClientRect();
              if (box.right > doc.clientWidth + 0.5) {
                found.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ': right edge at ' + box.right
                    + ' px, beyond the ' + doc.clientWidth + ' px window');
              }
            }
            return found;
            """;

    /** Each word of a table header cell that the browser laid out on more than one line. */
    private static final String BROKEN_WORDS = """
            const broken = [];
            for (const th of document.querySelectorAll('th')) {
              for (const node of th.childNodes) {
                if (node.nodeType !== Node.TEXT_NODE) continue;
                for (const word of node.textContent.matchAll(/\\S+/g)) {
                  const range = document.createRange();
                  range.setStart(node, word.index);
                  range.setEnd(node, word.index + word[0].length);
                  if (range.getClientRects().length > 1) broken.push(word[0]);
                }
              }
            }
            return broken;
            """;

    @ParameterizedTest(name = "{0} at {1}x{2}")
    @CsvSource({
        "index,   1280, 800, /",
        "index,   390,  844, /",
        "environ, 1280, 800, /environ/any/path?x=1&name=a-rather-long-query-value-without-any-spaces-in-it-at-all",
        "environ, 390,  844, /environ/any/path?x=1&name=a-rather-long-query-value-without-any-spaces-in-it-at-all",
        "stream,  1280, 800, /stream/?lines=3&interval=10",
        "stream,  390,  844, /stream/?lines=3&interval=10",
        "chat,    1280, 800, /chat/?transport=sse",
        "chat,    390,  844, /chat/?transport=sse",
        "chat-poll, 1100, 800, /chat/?transport=poll",
        "upload,  1280, 800, /upload/",
        "upload,  390,  844, /upload/",
    })
    void pageFitsTheWindow(String page, int width, int height, String path) throws Exception {
        // given the page open in a window of that size, its content loaded
        WebDriver driver = browser.driver();
        driver.manage().window().setSize(new Dimension(width, height));
        browser.open(server.uri(path));
        settle(page, driver);

        // then nothing overflows its box or the window
        @SuppressWarnings("unchecked")
        List<String> overflows = (List<String>) js(driver).executeScript(OVERFLOWS);
        Screenshots.keep("layout/" + page + "-" + width + "x" + height, browser.screenshot());
        assertThat(overflows).as("what overflows on %s at %dx%d on %s", path, width, height, server.name()).isEmpty();

        if (page.startsWith("chat")) {
            // and the send form is in view without scrolling
            assertSendFormInView(driver, width, height);
        }
        // and no word of a table header (the environ's keys among them) is broken across lines
        @SuppressWarnings("unchecked")
        List<String> broken = (List<String>) js(driver).executeScript(BROKEN_WORDS);
        assertThat(broken).as("header words shown on more than one line on %s at %dx%d", path, width, height).isEmpty();
    }

    @Test
    void theChecksSeeWhatTheyLookFor() {
        // given a page spoilt on purpose: a box too narrow for its word, and a header too narrow for its key
        WebDriver driver = browser.driver();
        driver.manage().window().setSize(new Dimension(390, 844));
        browser.open(server.uri("/"));
        js(driver).executeScript("document.body.insertAdjacentHTML('beforeend', '<div style=\"width: 3rem\">"
                + "Unbreakable_identifier_wider_than_its_box_and_than_the_window_too_by_far</div><table style=\"width: 5rem\"><tr>"
                + "<th style=\"overflow-wrap: anywhere\">QUERY_STRING</th></tr></table>');");

        // then the checks report both
        assertThat(js(driver).executeScript(OVERFLOWS)).as("overflows found").asString()
                .contains("div: content", "the document");
        @SuppressWarnings("unchecked")
        List<String> broken = (List<String>) js(driver).executeScript(BROKEN_WORDS);
        assertThat(broken).as("broken header words").containsExactly("QUERY_STRING");
    }

    private static void assertSendFormInView(WebDriver driver, int width, int height) {
        @SuppressWarnings("unchecked")
        Map<String, Object> form = (Map<String, Object>) js(driver).executeScript(
                "window.scrollTo(0, 0); const r = document.getElementById('post').getBoundingClientRect();"
                        + " return {bottom: r.bottom, right: r.right, height: window.innerHeight, width: window.innerWidth};");
        assertThat(((Number) form.get("bottom")).doubleValue()).as("the send form's bottom at %dx%d (window %s)",
                width, height, form).isLessThanOrEqualTo(((Number) form.get("height")).doubleValue());
        assertThat(((Number) form.get("right")).doubleValue()).as("the send form's right edge at %dx%d (window %s)",
                width, height, form).isLessThanOrEqualTo(((Number) form.get("width")).doubleValue());
    }

    @Test
    void theFaviconIsServed() throws Exception {
        for (String path : new String[] {"/favicon.ico", "/favicon.svg"}) {
            HttpURLConnection conn = (HttpURLConnection) server.uri(path).toURL().openConnection();
            try {
                assertThat(conn.getResponseCode()).as("status of %s on %s", path, server.name()).isEqualTo(200);
                assertThat(conn.getContentType()).as("type of %s", path).startsWith("image/svg+xml");
                assertThat(new String(conn.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .as("body of %s", path).startsWith("<svg");
            } finally {
                conn.disconnect();
            }
        }
    }

    @Test
    void theUploadFormSendsTheChosenFileAndGetsItsDigest() throws Exception {
        // given a file of random bytes, chosen in the upload form
        byte[] content = new byte[200_000];
        new Random(3).nextBytes(content);
        Path file = Files.createTempFile("jwsgi-upload", ".bin");
        try {
            Files.write(file, content);
            String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            WebDriver driver = browser.driver();
            driver.manage().window().setSize(new Dimension(1280, 800));
            browser.open(server.uri("/upload/"));

            // when the form is sent
            driver.findElement(By.id("file")).sendKeys(file.toString());
            driver.findElement(By.cssSelector("#upload button")).click();

            // then the report is the file's: its name, size and digest, sent as multipart/form-data
            String report = browser.await("the upload's report on " + server.name(), d -> {
                String text = d.findElement(By.id("result")).getText();
                return text.contains("sha256:") ? text : null;
            });
            assertThat(report).as("the report on %s", server.name()).isEqualTo("file: " + file.getFileName()
                    + "\nsize: 200000 bytes\nsha256: " + sha256 + "\ncontent-type: application/octet-stream");
        } finally {
            Files.delete(file);
        }
    }

    /** Waits for what the page loads after it opens: the stream's end, the chat's connection and a long message. */
    private static void settle(String page, WebDriver driver) {
        if (page.equals("stream")) {
            browser.await("the stream's end on " + server.name(),
                    d -> d.findElement(By.id("status")).getText().equals("done"));
        } else if (page.startsWith("chat")) {
            browser.await("the chat connected on " + server.name(),
                    d -> d.findElement(By.id("status")).getText().startsWith("connected"));
            js(driver).executeScript("fetch('messages', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                    + " body: JSON.stringify({name: 'Layout', text: arguments[0]})});", LONG_WORD);
            browser.await("the long message shown on " + server.name(), d -> d.findElements(By.cssSelector("#messages li .text"))
                    .stream().anyMatch(e -> e.getText().equals(LONG_WORD)));
        }
    }

    private static JavascriptExecutor js(WebDriver driver) {
        return (JavascriptExecutor) driver;
    }
}
