package dev.websocketchat.transport;

import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.transport.payara.Payara;
import dev.websocketchat.transport.tomcat.Tomcat;
import dev.websocketchat.transport.undertow.Undertow;
import jakarta.websocket.Session;

/**
 * Where a WAR's sessions are told apart by container, by the name of the session's class, and
 * what this server does differently for each: everything it knows about a container is in that
 * container's folder beside this ({@code tomcat/}, {@code undertow/} for WildFly, {@code payara/}).
 * A session of any other container, or of a container that hides its classes, goes through the
 * standard API alone. Names, not classes: each container's classes load only in that container.
 */
public final class Containers {

    private Containers() {
    }

    /** The container's own way to write frames for this session, if this build knows one; else null. */
    public static FrameTransport transport(Session session) {
        try {
            return switch (session.getClass().getName()) {
                case Tomcat.SESSION_CLASS -> Tomcat.transport(session);
                case Payara.SESSION_CLASS -> Payara.transport(session);
                case Undertow.SESSION_CLASS -> Undertow.transport(session);
                default -> null;
            };
        } catch (LinkageError containerHidesItsClasses) {
            return null;
        }
    }

    /** Sets what the container must know of a new session: on Tomcat, how long it may wait for a peer that does not read. */
    public static void prepare(Session session) {
        if (session.getClass().getName().equals(Tomcat.SESSION_CLASS)) {
            Tomcat.limitWaits(session);
        }
    }

    /**
     * Ends a connection whose close the peer left unanswered, where the container would wait for
     * it too long (Undertow); elsewhere the container's own close timeout does (Tomcat's is set
     * by {@link #prepare}, the standalone server's guard aborts it itself).
     */
    public static void abort(Session session) {
        Undertow.abort(session);
    }

    /**
     * Whether a failure the container reports to {@code @OnError} now comes after the peer's close
     * frame, and the container calls {@code @OnClose} with the peer's code after it: then the
     * close, not the failure, says how the connection ended. A peer that resets the socket right
     * after its close frame fails the container's answer (Tomcat, {@link Tomcat#answeringClose}) or
     * its next read (Undertow, {@link Undertow#closeFrameReceived}).
     */
    public static boolean closeFollows(Session session) {
        return switch (session.getClass().getName()) {
            case Tomcat.SESSION_CLASS -> Tomcat.answeringClose();
            case Undertow.SESSION_CLASS -> Undertow.closeFrameReceived(session);
            default -> false;
        };
    }

    /** What a failure the container reported to {@code @OnError} says happened to the connection. */
    public static LeaveCause causeOf(Throwable failure) {
        return Undertow.causeOf(failure);
    }
}
