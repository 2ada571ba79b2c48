package io.jwsgi.it;

import io.jwsgi.testtools.RequiredTools;
import io.jwsgi.testtools.Tool;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through Selenium: Debian's {@code chromium} and {@code chromium-driver}
 * packages, never a downloaded driver. On a machine without them the test is skipped, naming the
 * packages ({@link RequiredTools}; {@code .ci/run} installs them and makes a skip a failure). One
 * browser serves a test class; each window is a page.
 */
final class Browser implements AutoCloseable {

    /** How often waits look at the page: often enough to see a stream's lines arrive one by one. */
    private static final Duration POLL = Duration.ofMillis(20);

    private final ChromeDriver driver;
    private final Path profile;
    private final Dimension windowSize;

    private Browser(ChromeDriver driver, Path profile, Dimension windowSize) {
        this.driver = driver;
        this.profile = profile;
        this.windowSize = windowSize;
    }

    /**
     * Starts Chromium with a fresh profile; its first window is open on {@code about:blank}.
     *
     * @param width each window's width in CSS pixels
     * @param height each window's height
     * @return the running browser
     */
    static Browser start(int width, int height) throws IOException {
        List<Path> tools = RequiredTools.require("the browser tests", Tool.CHROMIUM, Tool.CHROMEDRIVER);
        // Selenium Manager must not look for a driver online: the Debian one is given below.
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("jwsgi-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(tools.get(0).toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(tools.get(1).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        return new Browser(driver, profile, new Dimension(width, height));
    }

    /** The driver, switched to whichever window was opened or selected last. */
    WebDriver driver() {
        return driver;
    }

    /**
     * Shows a page in the current window.
     *
     * @param uri the page
     * @return the window's handle
     */
    String open(URI uri) {
        driver.get(uri.toString());
        return driver.getWindowHandle();
    }

    /**
     * Opens a page in a new window of the same size, and switches to it.
     *
     * @param uri the page
     * @return the new window's handle
     */
    String openWindow(URI uri) {
        driver.switchTo().newWindow(WindowType.WINDOW);
        driver.manage().window().setSize(windowSize);
        return open(uri);
    }

    /** Switches to a window. */
    WebDriver window(String handle) {
        return driver.switchTo().window(handle);
    }

    /**
     * Waits until the condition gives a value other than {@code null} or {@code false}, looking
     * every 20 ms, for at most {@link Await#DEADLINE}.
     *
     * @param what the condition, for the failure message
     * @param condition the condition, on the current window
     * @param <T> the condition's value
     * @return its first value other than {@code null} or {@code false}
     */
    <T> T await(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Await.DEADLINE, POLL).withMessage(what).until(condition::apply);
    }

    /**
     * The whole page of the current window as an image, from its top: the window grows to fit
     * the page for the screenshot, then gets its size back.
     */
    BufferedImage screenshot() {
        Dimension size = driver.manage().window().getSize();
        long pageHeight = (Long) driver.executeScript(
                "window.scrollTo(0, 0); return document.documentElement.scrollHeight - window.innerHeight;");
        try {
            if (pageHeight > 0) {
                driver.manage().window().setSize(new Dimension(size.getWidth(), size.getHeight() + (int) pageHeight));
            }
            return ImageIO.read(new ByteArrayInputStream(driver.getScreenshotAs(OutputType.BYTES)));
        } catch (IOException e) {
            throw new UncheckedIOException("Chromium sent a screenshot that is not an image", e);
        } finally {
            driver.manage().window().setSize(size);
        }
    }

    /** Quits Chromium and its driver and deletes the profile. */
    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
