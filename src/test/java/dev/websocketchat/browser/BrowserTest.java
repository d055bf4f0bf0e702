package dev.websocketchat.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.Dimension;

/**
 * What every browser test shares: real headless Chromium, pages opened at the desktop's or a
 * phone's size and in a language, each checked for console errors and closed after the test, and
 * a server that has nobody online again before the next test starts. A subclass says where the
 * application is.
 */
abstract class BrowserTest {

    static final Dimension DESKTOP = new Dimension(1000, 700);
    static final Dimension PHONE = new Dimension(360, 720);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ChatPage> pages = new ArrayList<>();

    protected abstract URI applicationUri();

    @BeforeAll
    static void chromiumIsInstalled() {
        Browsers.requireChromium();
    }

    @AfterEach
    void noConsoleErrorsAndCloseEveryPage() throws Exception {
        try {
            for (ChatPage page : pages) {
                assertThat(page.consoleErrors()).as("console errors").isEmpty();
            }
        } finally {
            pages.forEach(ChatPage::close);
            pages.clear();
        }
        awaitNobodyOnline();
    }

    /**
     * A closed browser's sockets end on the server a moment later: the next test, which counts who
     * is here, starts only once the server says nobody is.
     */
    private void awaitNobodyOnline() throws Exception {
        URI health = applicationUri().resolve("health");
        long deadline = System.nanoTime() + ChatPage.WAIT.toNanos();
        String answer = HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body();
        while (!answer.contains("\"online\":0") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = HTTP.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        assertThat(answer).as("nobody online after the test's pages closed").contains("\"online\":0");
    }

    protected ChatPage page(String language, Dimension size) {
        ChatPage page = new ChatPage(Browsers.open(language, size));
        pages.add(page);
        return page;
    }

    protected ChatPage openPage() {
        return page("ko-KR", DESKTOP).open(pageUri());
    }

    /** Where the next page opens: the application, or, across a cluster, each instance in turn. */
    protected URI pageUri() {
        return applicationUri();
    }

    protected void closePage(ChatPage page) {
        assertThat(page.consoleErrors()).as("console errors").isEmpty();
        pages.remove(page);
        page.close();
    }
}
