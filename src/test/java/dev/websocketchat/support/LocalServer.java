package dev.websocketchat.support;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.standalone.ChatServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

/**
 * The standalone server as the tests start it: on a free port of loopback, with the settings a
 * test gives on top ({@code chat.*} property names, as {@code -Dchat.*} would give them), and the
 * addresses a test reaches it at.
 */
public final class LocalServer {

    private LocalServer() {
    }

    /** Starts a server with these settings, on a free loopback port. */
    public static ChatServer start(Map<String, String> settings) throws IOException {
        Properties properties = new Properties();
        properties.putAll(Map.of("chat.port", "0", "chat.host", "127.0.0.1"));
        properties.putAll(settings);
        return ChatServer.start(ChatConfig.from(Map.of(), properties));
    }

    /** Its page, and the root that {@code /health} and {@code /metrics} are under. */
    public static URI root(ChatServer server) {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    /** Its lobby's endpoint. */
    public static URI chat(ChatServer server) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/chat");
    }

    /** A room's endpoint, with a {@code ?name=}. */
    public static URI room(ChatServer server, String room, String name) {
        return URI.create("ws://127.0.0.1:" + server.port() + "/chat/" + room + "?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }
}
