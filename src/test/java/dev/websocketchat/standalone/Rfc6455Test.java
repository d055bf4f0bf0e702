package dev.websocketchat.standalone;

import dev.websocketchat.support.Rfc6455Contract;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** RFC 6455's server cases against the standalone server: Tyrus on Grizzly behind this project's frame filter. */
class Rfc6455Test extends Rfc6455Contract {

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
