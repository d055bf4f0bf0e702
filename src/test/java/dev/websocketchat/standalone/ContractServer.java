package dev.websocketchat.standalone;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.support.ChatProtocolContract;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Properties;

/** The standalone server as the contracts want it: their test settings, on a free loopback port. */
final class ContractServer {

    private ContractServer() {
    }

    static ChatServer start() throws IOException {
        Properties settings = new Properties();
        settings.putAll(ChatProtocolContract.TEST_SETTINGS);
        settings.putAll(Map.of("chat.port", "0", "chat.host", "127.0.0.1"));
        return ChatServer.start(ChatConfig.from(Map.of(), settings));
    }

    static URI root(ChatServer server) {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }
}
