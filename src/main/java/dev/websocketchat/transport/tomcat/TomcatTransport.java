package dev.websocketchat.transport.tomcat;

import dev.websocketchat.room.Batch;
import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Tomcat's server endpoint, past the API: a batch of frames leaves in one socket write, the write
 * that Tomcat's own {@code sendText} ends in once per message, after encoding and framing it for
 * this one session ({@code WsRemoteEndpointImplServer.doWrite}).
 *
 * <p>The write goes to the endpoint's socket wrapper as {@code doWrite} makes it (a gathering
 * write, the connector's write timeout, the poller finishing what the socket did not take at
 * once), but asks not to be told of a write that completed inline, which is then reported here
 * on the writing thread. {@code doWrite} instead hands every completion to Tomcat's executor,
 * a thread hop and a wake-up per write: a fifth of Tomcat's CPU in the fan-out benchmark.
 * A write left to the poller is reported on Tomcat's thread, as before. Where the connector does
 * no asynchronous I/O, the write goes through {@code doWrite}.
 *
 * <p>It keeps Tomcat's rule for that endpoint, one message part at a time: a write first takes
 * the endpoint's {@code messagePartInProgress} permit, as Tomcat's own parts do, and ends in its
 * {@code endMessage}, which hands the permit back or starts the control frame (a pong, the close)
 * that Tomcat queued behind the write meanwhile. Nothing is written once Tomcat has written its
 * close frame: a write then fails, as Tomcat's own would. While Tomcat's control frame holds the
 * permit, a batch goes through the standard API instead, one text message after another, which
 * Tomcat queues behind that frame: the broadcasting thread never waits for the permit.
 *
 * <p>Those members are Tomcat's internals (10.1), reached by reflection and checked once per
 * session class: should a Tomcat differ, its sessions use the standard API, and the log says so
 * once. A session that negotiated an extension never comes here (see {@link SessionPeer}): its
 * frames must pass Tomcat's transformation, which this write skips.
 */
final class TomcatTransport implements FrameTransport, SendHandler, CompletionHandler<Long, Object> {

    private static final Logger LOG = Logger.getLogger(TomcatTransport.class.getName());
    /** The class of Tomcat's sessions. */
    static final String SESSION_CLASS = "org.apache.tomcat.websocket.WsSession";
    private static final SendResult OK = new SendResult();

    /** Tomcat's members this class uses; null for a session class that is not a Tomcat it knows. */
    private record Access(MethodHandle endpoint, MethodHandle permit, MethodHandle closed, MethodHandle doWrite,
                          MethodHandle endMessage, Socket socket) {
    }

    /**
     * The endpoint's {@code SocketWrapperBase} and its gathering write, with the arguments
     * {@code doWrite} passes but for the check: {@code COMPLETE_WRITE} reports only a write that did
     * not complete inline, where doWrite's {@code COMPLETE_WRITE_WITH_COMPLETION} reports every one.
     */
    private record Socket(MethodHandle wrapper, MethodHandle hasAsyncIO, MethodHandle write, Object semiBlock,
                          Object completeWrite, Object inline) {

        static Socket of(Class<?> endpoint) throws ReflectiveOperationException {
            ClassLoader tomcat = endpoint.getClassLoader();
            Class<?> wrapper = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase", false, tomcat);
            Class<?> mode = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase$BlockingMode", false, tomcat);
            Class<?> check = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase$CompletionCheck", false, tomcat);
            Class<?> state = Class.forName("org.apache.tomcat.util.net.SocketWrapperBase$CompletionState", false, tomcat);
            MethodHandles.Lookup inEndpoint = MethodHandles.privateLookupIn(endpoint, MethodHandles.lookup());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return new Socket(inEndpoint.findGetter(endpoint, "socketWrapper", wrapper),
                    lookup.findVirtual(wrapper, "hasAsyncIO", MethodType.methodType(boolean.class)),
                    lookup.findVirtual(wrapper, "write", MethodType.methodType(state, mode, long.class, TimeUnit.class,
                            Object.class, check, CompletionHandler.class, ByteBuffer[].class)),
                    mode.getField("SEMI_BLOCK").get(null), wrapper.getField("COMPLETE_WRITE").get(null),
                    state.getField("INLINE").get(null));
        }
    }

    private static final ClassValue<Access> ACCESS = new ClassValue<>() {
        @Override
        protected Access computeValue(Class<?> type) {
            if (!type.getName().equals(SESSION_CLASS)) {
                return null;
            }
            try {
                Access access = access(type, Class.forName("org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer",
                        false, type.getClassLoader()));
                LOG.fine("Tomcat: broadcasts are written as encoded frames, batched per connection, through its server endpoint");
                return access;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.WARNING, "Tomcat: its server endpoint is not the one this build knows; sending one message at a time through the API", e);
                return null;
            }
        }
    };

    private static Access access(Class<?> session, Class<?> endpoint) throws ReflectiveOperationException {
        Class<?> base = session.getDeclaredField("wsRemoteEndpoint").getType();
        MethodHandles.Lookup inSession = MethodHandles.privateLookupIn(session, MethodHandles.lookup());
        MethodHandles.Lookup inBase = MethodHandles.privateLookupIn(base, MethodHandles.lookup());
        return new Access(inSession.findGetter(session, "wsRemoteEndpoint", base),
                inBase.findGetter(base, "messagePartInProgress", Semaphore.class),
                inBase.findGetter(base, "closed", boolean.class),
                inBase.findVirtual(base, "doWrite", MethodType.methodType(void.class, SendHandler.class, long.class, ByteBuffer[].class)),
                inBase.findVirtual(base, "endMessage", MethodType.methodType(void.class, SendHandler.class, SendResult.class)),
                Socket.of(endpoint));
    }

    private final Access access;
    private final Object endpoint;
    private final Semaphore permit;
    private final RemoteEndpoint.Async remote;
    /** The endpoint's socket wrapper, if it does asynchronous I/O; else null, and writes go through {@code doWrite}. */
    private final Object socket;
    private volatile Consumer<Throwable> pending;

    private TomcatTransport(Access access, Session session) throws Throwable {
        this.access = access;
        this.endpoint = access.endpoint().invoke(session);
        this.permit = (Semaphore) access.permit().invoke(endpoint);
        this.remote = session.getAsyncRemote();
        Object wrapper = access.socket().wrapper().invoke(endpoint);
        this.socket = (boolean) access.socket().hasAsyncIO().invoke(wrapper) ? wrapper : null;
    }

    /** The transport for a Tomcat session; null for any other session, or a Tomcat this build does not know. */
    static FrameTransport of(Session session) {
        Access access = ACCESS.get(session.getClass());
        if (access == null) {
            return null;
        }
        try {
            return new TomcatTransport(access, session);
        } catch (Throwable e) {
            LOG.log(Level.FINE, e, () -> "session " + session.getId() + " sends through the API");
            return null;
        }
    }

    @Override
    public void write(Batch frames, Consumer<Throwable> done) {
        if (!permit.tryAcquire()) {
            new TextChain(frames, done).next(0);
            return;
        }
        pending = done;
        try {
            if ((boolean) access.closed().invoke(endpoint)) {
                onResult(new SendResult(new IllegalStateException("Tomcat has written its close frame")));
                return;
            }
            ByteBuffer[] wire = {frames.wire()};
            if (socket == null) {
                access.doWrite().invoke(endpoint, this, -1L, wire);
                return;
            }
            Socket io = access.socket();
            if (io.write().invoke(socket, io.semiBlock(), -1L, TimeUnit.MILLISECONDS, null, io.completeWrite(), this, wire) == io.inline()) {
                onResult(OK); // written whole before the call returned; Tomcat calls no handler for that
            } // otherwise Tomcat reports to completed or failed: the poller finishes the write, or it failed
        } catch (Throwable e) {
            onResult(new SendResult(e));
        }
    }

    /** A write the poller finished, on Tomcat's thread. */
    @Override
    public void completed(Long written, Object attachment) {
        onResult(OK);
    }

    @Override
    public void failed(Throwable failure, Object attachment) {
        onResult(new SendResult(failure));
    }

    /** Where Tomcat reports the write: its {@code endMessage} first, then the outbox. */
    @Override
    public void onResult(SendResult result) {
        Consumer<Throwable> done = pending;
        try {
            access.endMessage().invoke(endpoint, null, result);
        } catch (Throwable e) {
            LOG.log(Level.FINE, "Tomcat's endMessage failed", e);
        }
        done.accept(result.isOK() ? null : result.getException());
    }

    /**
     * A batch sent through the standard API, each text message once the one before it has gone:
     * Tomcat takes one data message at a time. Tomcat reports a non-blocking send on another
     * thread, so the chain does not deepen the stack.
     */
    private final class TextChain {
        private final Batch frames;
        private final Consumer<Throwable> done;

        TextChain(Batch frames, Consumer<Throwable> done) {
            this.frames = frames;
            this.done = done;
        }

        void next(int index) {
            if (index == frames.size()) {
                done.accept(null);
                return;
            }
            try {
                remote.sendText(frames.text(index), result -> {
                    if (result.isOK()) {
                        next(index + 1);
                    } else {
                        done.accept(result.getException());
                    }
                });
            } catch (RuntimeException e) {
                done.accept(e);
            }
        }
    }
}
