package dev.websocketchat.standalone;

import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.ConnectionProbe;
import org.glassfish.grizzly.nio.transport.TCPNIOServerConnection;
import org.glassfish.grizzly.nio.transport.TCPNIOTransport;

/**
 * The TCP connections the listener has open now, HTTP and WebSocket alike, from Grizzly's own
 * accept and close events: the truth behind {@code chat_sockets_open}, which shows a socket an
 * evicted client left behind until it is really gone.
 */
final class SocketCount extends ConnectionProbe.Adapter {

    private final AtomicInteger open = new AtomicInteger();

    private SocketCount() {
    }

    static SocketCount of(TCPNIOTransport transport) {
        SocketCount count = new SocketCount();
        transport.getConnectionMonitoringConfig().addProbes(count);
        return count;
    }

    int open() {
        return open.get();
    }

    @Override
    public void onAcceptEvent(Connection serverConnection, Connection clientConnection) {
        open.incrementAndGet();
    }

    /** Grizzly reports each connection's close once; the listening socket's own close is not counted. */
    @Override
    public void onCloseEvent(Connection connection) {
        if (!(connection instanceof TCPNIOServerConnection)) {
            open.decrementAndGet();
        }
    }
}
