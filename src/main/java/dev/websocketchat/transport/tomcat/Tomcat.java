package dev.websocketchat.transport.tomcat;

import dev.websocketchat.transport.FrameTransport;
import jakarta.websocket.Session;
import java.util.List;

/**
 * What this server knows about Tomcat's WebSocket sessions, all in this folder: its own frame
 * transport ({@link TomcatTransport}), and the timeouts its blocking writes and its close wait
 * for a peer that does not read. Only the transport needs Tomcat's classes, and only
 * {@link #transport} loads it.
 */
public final class Tomcat {

    /** Tomcat's session class, by name: comparing with it loads no class of Tomcat's. */
    public static final String SESSION_CLASS = TomcatTransport.SESSION_CLASS;
    /**
     * Tomcat's own session properties, which other containers ignore: how long its blocking writes
     * (pings, pongs, the close frame) may wait for a peer that does not read (default 20 s), how
     * long a close frame that could not be sent normally may take (default 20 s), and how long it
     * waits for the peer's answer to its close before it drops the connection (default 30 s; its
     * background check runs every 10 s, so the connection ends within 15 s of the close).
     */
    private static final List<String> TIMEOUTS = List.of("org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT",
            "org.apache.tomcat.websocket.ABNORMAL_SESSION_CLOSE_SEND_TIMEOUT", "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT");
    private static final Long TIMEOUT_MILLIS = 5_000L; // boxed once: Tomcat reads a Long
    private static final StackWalker STACK = StackWalker.getInstance();

    private Tomcat() {
    }

    /** Bounds every wait of a Tomcat session for a peer that does not read to 5 s. */
    public static void limitWaits(Session session) {
        TIMEOUTS.forEach(timeout -> session.getUserProperties().put(timeout, TIMEOUT_MILLIS));
    }

    /**
     * Whether Tomcat is answering the peer's close on this thread: it reads the peer's close
     * frame in {@code WsSession.onClose}, writes its answer, and then calls {@code @OnClose} with
     * the peer's own code. If the answer cannot be written (the peer reset the socket right after
     * its close frame), Tomcat reports that failure to {@code @OnError} first; the close that
     * follows, not the failure, says how the connection ended.
     */
    public static boolean answeringClose() {
        return STACK.walk(frames -> frames.anyMatch(frame -> frame.getMethodName().equals("onClose")
                && frame.getClassName().equals(SESSION_CLASS)));
    }

    /** Tomcat's own way to write frames for the session, or null where this Tomcat does not allow it. */
    public static FrameTransport transport(Session session) {
        return TomcatTransport.of(session);
    }
}
