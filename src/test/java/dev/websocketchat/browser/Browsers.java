package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;

/**
 * Headless Chromium for the browser tests, from Debian's {@code chromium} and
 * {@code chromium-driver} packages. Every page open at one time has its own browser (its own
 * profile, so its own {@code localStorage}), as two people on two machines would have.
 *
 * <p>Starting a browser costs seconds on two cores, so a closed page's browser is not quit but
 * {@linkplain #release reset} and kept for the next page of the same language and size: it is
 * sent to {@code about:blank} (which closes the page's WebSocket as leaving it would), the
 * storage of the origin it was on is cleared, and its console log is drained. The idle browsers
 * are quit when the test JVM ends.
 */
final class Browsers {

    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));

    /** A browser's language and window size: what cannot change once it is started. */
    private record Kind(String language, Dimension size) {
    }

    private static final Map<Kind, Deque<ChromeDriver>> IDLE = new HashMap<>(); // guarded by IDLE
    private static final Map<ChromeDriver, Kind> KINDS = new IdentityHashMap<>(); // guarded by IDLE

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Browsers::quitIdle, "browsers-quit"));
    }

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
     * A headless browser whose preferred language is {@code language}, e.g. {@code ko-KR}, showing
     * {@code about:blank} with empty storage and console: an idle one of that kind, or a new one.
     * Give it back with {@link #release}.
     */
    static ChromeDriver open(String language, Dimension size) {
        Kind kind = new Kind(language, size);
        synchronized (IDLE) {
            ChromeDriver idle = IDLE.getOrDefault(kind, new ArrayDeque<>()).poll();
            if (idle != null) {
                return idle;
            }
        }
        ChromeDriver started = start(kind);
        synchronized (IDLE) {
            KINDS.put(started, kind);
        }
        return started;
    }

    /** Resets a browser {@link #open} gave and keeps it for the next page of its kind; quits it if it cannot be reset. */
    static void release(ChromeDriver driver) {
        try {
            String url = closeEveryTabButOne(driver);
            driver.get("about:blank");
            if (url.startsWith("http")) {
                URI page = URI.create(url);
                String origin = page.getScheme() + "://" + page.getAuthority();
                driver.executeCdpCommand("Storage.clearDataForOrigin", Map.of("origin", origin, "storageTypes", "all"));
            }
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of())); // the scheme a test chose
            driver.manage().logs().get(LogType.BROWSER); // fetching the log empties it
        } catch (WebDriverException broken) {
            synchronized (IDLE) {
                KINDS.remove(driver);
            }
            driver.quit();
            return;
        }
        synchronized (IDLE) {
            IDLE.computeIfAbsent(KINDS.get(driver), kind -> new ArrayDeque<>()).push(driver);
        }
    }

    /**
     * Closes the tabs a test opened beside its page (whose sockets would otherwise stay open),
     * keeping one; returns the URL of a tab that showed the application ("" if none did), whose
     * storage is to be cleared.
     */
    private static String closeEveryTabButOne(ChromeDriver driver) {
        List<String> tabs = new ArrayList<>(driver.getWindowHandles());
        String application = "";
        for (String tab : tabs) {
            driver.switchTo().window(tab);
            String url = driver.getCurrentUrl();
            if (url.startsWith("http")) {
                application = url;
            }
            if (!tab.equals(tabs.get(0))) {
                driver.close();
            }
        }
        driver.switchTo().window(tabs.get(0));
        return application;
    }

    private static void quitIdle() {
        synchronized (IDLE) {
            IDLE.values().forEach(idle -> idle.forEach(ChromeDriver::quit));
            IDLE.clear();
        }
    }

    /** A new browser with a chromedriver of its own ({@code quit()} stops the driver service along with the browser). */
    private static ChromeDriver start(Kind kind) {
        String language = kind.language();
        Dimension size = kind.size();
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
                        "--disable-features=BackForwardCache", // a page left for about:blank must close its socket
                        "--window-size=" + size.getWidth() + "," + size.getHeight());
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        // Headless windows have a minimum width of about 500 px; a phone's 360 is emulated instead.
        options.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
                Map.of("width", size.getWidth(), "height", size.getHeight(), "pixelRatio", 1.0)));
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        return new ChromeDriver(service, options);
    }
}
