package dev.websocketchat.standalone;

import dev.websocketchat.support.ChatProtocolContract;
import dev.websocketchat.support.LocalServer;
import java.io.IOException;
import java.net.URI;

/** The standalone server as the contracts want it: their test settings, on a free loopback port. */
final class ContractServer {

    private ContractServer() {
    }

    static ChatServer start() throws IOException {
        return LocalServer.start(ChatProtocolContract.TEST_SETTINGS);
    }

    static URI root(ChatServer server) {
        return LocalServer.root(server);
    }
}
