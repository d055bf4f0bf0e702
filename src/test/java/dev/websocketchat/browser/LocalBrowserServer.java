package dev.websocketchat.browser;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The standalone server a browser test class shares, with its defaults, started before the class
 * and stopped after it; it can be stopped and started again on the same port, as a restart is.
 * Register it as a static {@code @RegisterExtension} field.
 */
final class LocalBrowserServer implements BeforeAllCallback, AfterAllCallback {

    private ChatConfig config;
    private ChatServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = LocalServer.start(Map.of());
        config = server.rooms().config().withPort(server.port());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) { // null when the class was skipped before it started one (no Chromium)
            server.close();
        }
    }

    URI root() {
        return LocalServer.root(server);
    }

    /** The running server's settings, with its port. */
    ChatConfig config() {
        return config;
    }

    void stop() {
        server.close();
    }

    /** Starts it again on the same port, empty, after {@link #stop}. */
    void startAgain() throws Exception {
        server = ChatServer.start(config);
    }
}
