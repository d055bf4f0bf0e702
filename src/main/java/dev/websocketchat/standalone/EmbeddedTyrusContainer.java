package dev.websocketchat.standalone;

import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * Tyrus's server container without an HTTP server of its own, so that {@link ChatServer} can put
 * Tyrus's {@code WebSocketAddOn} on the same Grizzly listener that serves the page.
 * (Tyrus's own {@code GrizzlyServerContainer} always starts a separate {@code HttpServer}.)
 */
final class EmbeddedTyrusContainer extends TyrusServerContainer {

    static final String CONTEXT_PATH = "/";

    private final TyrusWebSocketEngine engine;

    /** @param incomingBufferSize the largest frame Tyrus buffers; the endpoint sets the real message limit */
    EmbeddedTyrusContainer(Set<Class<?>> endpoints, int incomingBufferSize) {
        super(endpoints);
        engine = TyrusWebSocketEngine.builder(this).incomingBufferSize(incomingBufferSize).build();
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
        return engine;
    }
}
