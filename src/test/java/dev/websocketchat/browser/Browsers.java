package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests, from Debian's {@code chromium} and
 * {@code chromium-driver} packages. Every page gets its own browser (its own profile, so its own
 * {@code localStorage}), as two people on two machines would have.
 */
final class Browsers {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    private Browsers() {
    }

    /**
     * Skips the calling test class on a machine without Chromium, saying how to get it; in CI
     * (where {@code .ci/run} installs it) a missing browser fails instead, so the browser tests
     * can never be skipped silently there.
     */
    static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "headless Chromium is needed for the browser tests: sudo apt-get install -y chromium chromium-driver"
                + " (looked for " + CHROMIUM + " and " + CHROMEDRIVER + ")";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(missing);
        }
        Assumptions.assumeTrue(present, missing);
    }

    /**
     * A new headless browser whose preferred language is {@code language}, e.g. {@code ko-KR}, with
     * a chromedriver of its own ({@code quit()} stops the driver service along with the browser).
     */
    static ChromeDriver open(String language, Dimension size) {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File("target/chromedriver.log"))
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--lang=" + language,
                        "--window-size=" + size.getWidth() + "," + size.getHeight());
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        // Headless windows have a minimum width of about 500 px; a phone's 360 is emulated instead.
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                Map.of("width", size.getWidth(), "height", size.getHeight(), "pixelRatio", 1.0)));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return new ChromeDriver(service, options);
    }
}
