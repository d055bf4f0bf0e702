package dev.websocketchat.room;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;

/**
 * Why a connection left the room; logged with every close and counted by {@link Meters}.
 * A cause the server acts on carries the close code and reason it closes with; {@link #CLOSED}
 * and {@link #RESET} are the client's doing, so the server sends no close of its own for them.
 */
public enum LeaveCause {
    /** The client closed the connection with a close frame. */
    CLOSED(0, ""),
    /**
     * The connection ended without a close frame (1006): a TCP reset, or a peer that vanished,
     * whether the container reports it as a close or as the I/O error it found ({@link #of(Throwable)}).
     */
    RESET(0, ""),
    /** The container reported an error on the connection that is not the connection breaking. */
    ERROR(1011, "unexpected condition"),
    /** A send to the connection failed. */
    SEND_FAILED(1011, "send failed"),
    /** Its send queue went over the limit, or the container gave up a write to it (it stopped reading). */
    SLOW_CONSUMER(1013, "slow consumer"),
    /** Nothing heard from it, not even a pong, for longer than the idle limit. */
    IDLE(1001, "idle timeout"),
    /** It sent a message larger than the limit. */
    TOO_BIG(1009, "message too big"),
    /** It kept sending far over the rate limit. */
    FLOODING(1008, "flooding"),
    /**
     * It sent a frame that RFC 6455 forbids, such as an unmasked one, or text that is not UTF-8:
     * refused by the server's own frame scanner (standalone) or by the container, which closes
     * with 1002 or 1007 itself ({@link #ofClose}).
     */
    PROTOCOL_ERROR(1002, "protocol error"),
    /** It sent a binary frame. */
    UNSUPPORTED_DATA(1003, "binary frames are not supported"),
    /** Its token expired unrenewed, or a renewal was not valid or another user's. */
    UNAUTHORIZED(4401, "token expired"),
    /** A moderator kicked it out of the room. */
    KICKED(4403, "kicked"),
    /** A moderator banned it from the room. */
    BANNED(4403, "banned"),
    /** The server is shutting down. */
    SHUTDOWN(1001, "server shutting down");

    private final int code;
    private final String reason;

    LeaveCause(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    /**
     * The cause of a failure the container reported on a connection: a write that timed out is a
     * peer that stopped reading; any other I/O failure (reset, broken pipe, end of stream, a
     * channel closed under the container) is the connection breaking; anything else is an error.
     */
    public static LeaveCause of(Throwable failure) {
        boolean io = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof InterruptedByTimeoutException) {
                return SLOW_CONSUMER;
            }
            io |= cause instanceof IOException;
        }
        return io ? RESET : ERROR;
    }

    /**
     * The cause of a close the container reports: 1006 (no close frame) is a reset; 1002 and 1007
     * are a frame that broke the protocol, whichever side found it (a container that refuses a
     * client's frame closes with one of them); any other code is a close like any other.
     */
    public static LeaveCause ofClose(int code) {
        return switch (code) {
            case 1006 -> RESET;
            case 1002, 1007 -> PROTOCOL_ERROR;
            default -> CLOSED;
        };
    }

    /**
     * Whether the member is sent what was queued for it before its close, rather than only the
     * frame in flight: a moderator's kick or ban, announced to it just before (the close waits
     * for that at most the closer's grace period).
     */
    public boolean sendsWhatIsQueued() {
        return this == KICKED || this == BANNED;
    }

    /** The close code the server sends for this cause; 0 for a cause that is the client's own close. */
    public int code() {
        return code;
    }

    /** The close reason sent with {@link #code()}. */
    public String reason() {
        return reason;
    }
}
