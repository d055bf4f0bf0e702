package dev.websocketchat.transport.payara;

import dev.websocketchat.room.Batch;
import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus inside a servlet container (Payara), past the API: a batch of frames goes to the
 * connection's Tyrus {@link Writer} as one buffer, which Tyrus's servlet writer writes and flushes
 * once, where {@code RemoteEndpoint.Async} frames, writes and flushes each text message on its own.
 * That writer is the one every frame of the connection goes through, Tyrus's own too (pongs, the
 * close), and it takes one whole buffer at a time, so frames never interleave.
 *
 * <p>Nothing is written once the session has closed. Tyrus marks a session closed before it writes
 * its close frame ({@code docs/tyrus-findings.md}, 6), so a write can follow that frame only if it
 * was checked in the instant between the two; a client discards what follows a close frame.
 *
 * <p>The writer is Tyrus's internal (2.1), reached by reflection through the session's remote
 * endpoint: should a Tyrus differ, its sessions use the standard API. Only {@link FrameTransport#of}
 * loads this class, and only for a Tyrus session, since it needs Tyrus's classes to load.
 */
final class PayaraTransport extends CompletionHandler<ByteBuffer> implements FrameTransport {

    private static final Logger LOG = Logger.getLogger(PayaraTransport.class.getName());

    private final Session session;
    private final Writer writer;
    private volatile Consumer<Throwable> pending;

    private PayaraTransport(Session session, Writer writer) {
        this.session = session;
        this.writer = writer;
    }

    /** The transport for a Tyrus session; null if its writer is not where this build looks. */
    static FrameTransport of(Session session) {
        try {
            Object webSocket = WEB_SOCKET.get(session.getAsyncRemote().getClass()).invoke(session.getAsyncRemote());
            Object protocolHandler = PROTOCOL_HANDLER.get(webSocket.getClass()).invoke(webSocket);
            return WRITER.get(protocolHandler.getClass()).invoke(protocolHandler) instanceof Writer writer
                    ? new PayaraTransport(session, writer) : null;
        } catch (Throwable e) {
            LOG.log(Level.FINE, e, () -> "session " + session.getId() + " sends through the API");
            return null;
        }
    }

    private static final ClassValue<MethodHandle> WEB_SOCKET = getter("webSocket");
    private static final ClassValue<MethodHandle> PROTOCOL_HANDLER = getter("protocolHandler");
    private static final ClassValue<MethodHandle> WRITER = getter("writer");

    /** Per class: a getter of the named field, declared by the class or a superclass. */
    private static ClassValue<MethodHandle> getter(String name) {
        return new ClassValue<>() {
            @Override
            protected MethodHandle computeValue(Class<?> owner) {
                for (Class<?> type = owner; type != null; type = type.getSuperclass()) {
                    for (Field field : type.getDeclaredFields()) {
                        if (field.getName().equals(name)) {
                            try {
                                return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).unreflectGetter(field);
                            } catch (IllegalAccessException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    }
                }
                throw new IllegalStateException("no field " + name + " in " + owner.getName());
            }
        };
    }

    @Override
    public void write(Batch frames, Consumer<Throwable> done) {
        if (!session.isOpen()) {
            done.accept(new IllegalStateException("the session has closed"));
            return;
        }
        pending = done;
        writer.write(frames.wire(), this);
    }

    @Override
    public void completed(ByteBuffer written) {
        pending.accept(null);
    }

    @Override
    public void failed(Throwable failure) {
        pending.accept(failure);
    }

    @Override
    public void cancelled() {
        pending.accept(new CancellationException("Tyrus cancelled the write"));
    }
}
