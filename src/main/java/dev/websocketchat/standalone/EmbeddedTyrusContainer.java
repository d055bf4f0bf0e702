package dev.websocketchat.standalone;

import dev.websocketchat.transport.FrameTransport;
import dev.websocketchat.transport.Offer;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.UpgradeRequest;
import org.glassfish.tyrus.spi.UpgradeResponse;
import org.glassfish.tyrus.spi.WebSocketEngine;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus's server container without an HTTP server of its own, so that {@link ChatServer} can put
 * Tyrus's {@code WebSocketAddOn} on the same Grizzly listener that serves the page.
 * (Tyrus's own {@code GrizzlyServerContainer} always starts a separate {@code HttpServer}.)
 *
 * <p>Its engine also offers each new connection's Grizzly write queue to the endpoint, as a
 * {@link FrameTransport}, so the room can write frames it encoded once, several at a time; and it
 * gives Tyrus a {@link TyrusWriter} bounded by the connection's {@link ConnectionGuard}, so that
 * Tyrus's writes (pongs, close frames) count against the same bound and share one ordered queue.
 */
final class EmbeddedTyrusContainer extends TyrusServerContainer {

    static final String CONTEXT_PATH = "/";

    private final TyrusWebSocketEngine engine;
    private final Supplier<ConnectionGuard> guards;

    /**
     * @param incomingBufferSize the largest frame Tyrus buffers; the guard and the endpoint set the real message limit
     * @param guards             the guard of the connection being upgraded on the calling thread, taken once
     */
    EmbeddedTyrusContainer(Set<Class<?>> endpoints, int incomingBufferSize, Supplier<ConnectionGuard> guards) {
        super(endpoints);
        this.engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
        this.guards = guards;
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, CONTEXT_PATH);
    }

    @Override
    public void register(ServerEndpointConfig config) throws DeploymentException {
        engine.register(config, CONTEXT_PATH);
    }

    @Override
    public Map<String, Object> getProperties() {
        return Map.of();
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return offeringTransports;
    }

    /** The answer to an upgrade of a connection Tyrus has already let go (see below). */
    private static final WebSocketEngine.UpgradeInfo FORGOTTEN = new WebSocketEngine.UpgradeInfo() {
        @Override
        public WebSocketEngine.UpgradeStatus getStatus() {
            return WebSocketEngine.UpgradeStatus.HANDSHAKE_FAILED;
        }

        @Override
        public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
            throw new IllegalStateException("a connection already upgraded cannot be upgraded again");
        }
    };

    /**
     * Tyrus's engine, except that a connection is created (and the endpoint's {@code @OnOpen}
     * run, on the same thread) with its write queue on offer. Tyrus has written the 101 response by then.
     *
     * <p>Tyrus's filter takes any data on a connection it holds no WebSocket connection for as a
     * handshake. So frames read while another thread closes the connection (the room closing a
     * flooder, say) reach it as a second upgrade of the same request. Such a connection is ended
     * here and the upgrade refused, before Tyrus writes a second 101 into the stream.
     */
    private final WebSocketEngine offeringTransports = new WebSocketEngine() {
        @Override
        public UpgradeInfo upgrade(UpgradeRequest request, UpgradeResponse response) {
            ConnectionGuard guard = guards.get();
            if (guard != null && guard.upgraded()) {
                guard.forgotten();
                response.setStatus(400);
                return FORGOTTEN;
            }
            UpgradeInfo upgrade = engine.upgrade(request, response);
            return new UpgradeInfo() {
                @Override
                public UpgradeStatus getStatus() {
                    return upgrade.getStatus();
                }

                @Override
                public Connection createConnection(Writer writer, Connection.CloseListener closeListener) {
                    if (guard == null) {
                        throw new IllegalStateException("a WebSocket upgrade that the guard filter did not see");
                    }
                    guard.markUpgraded(); // Tyrus's own writer is left unused: see TyrusWriter
                    UpgradedReads.release(guard.connection());
                    return Offer.during(new TyrusFrameTransport(guard),
                            () -> upgrade.createConnection(new TyrusWriter(guard), closeListener));
                }
            };
        }

        @Override
        public void register(Class<?> endpointClass, String contextPath) throws DeploymentException {
            engine.register(endpointClass, contextPath);
        }

        @Override
        public void register(ServerEndpointConfig config, String contextPath) throws DeploymentException {
            engine.register(config, contextPath);
        }
    };
}
