package io.jwsgi.python;

import io.jwsgi.testtools.RequiredTools;
import io.jwsgi.testtools.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium through Selenium, with Debian's {@code chromium} and {@code chromium-driver}
 * (never a downloaded driver) and a fresh profile. Without them the test is skipped, naming the
 * packages ({@link RequiredTools}; {@code .ci/run} installs them and makes a skip a failure).
 */
final class Chromium {

    /** The driver and its profile directory. */
    record Session(ChromeDriver driver, Path profile) {

        /** Quits Chromium and deletes the profile. */
        void quit() throws Exception {
            try {
                driver.quit();
            } finally {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private Chromium() {
    }

    static Session start() throws Exception {
        List<Path> tools = RequiredTools.require("the Python chat's browser test", Tool.CHROMIUM, Tool.CHROMEDRIVER);
        // Selenium Manager must not look for a driver online: the Debian one is given below.
        System.setProperty("SE_OFFLINE", "true");
        Path profile = Files.createTempDirectory("jwsgi-python-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(tools.get(0).toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=800,600");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(tools.get(1).toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return new Session(driver, profile);
    }
}
