package dev.websocketchat.standalone;

import dev.websocketchat.support.ChatProtocolContract;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The protocol contract against the standalone server (Grizzly + Tyrus) on a free loopback port. */
class StandaloneChatTest extends ChatProtocolContract {

    private static ChatServer server;

    @BeforeAll
    static void start() throws Exception {
        server = ContractServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Override
    protected URI applicationUri() {
        return ContractServer.root(server);
    }
}
