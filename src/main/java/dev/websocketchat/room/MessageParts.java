package dev.websocketchat.room;

import dev.websocketchat.protocol.Utf8;

/**
 * One connection's incoming text message, as the container delivers it in parts. The endpoint
 * takes parts so that no container holds a buffer as large as the largest message for every
 * connection (Tomcat allocates the session's whole text buffer, two bytes per character, for
 * each one that has sent a message); a message that comes whole, as nearly all do, is never
 * copied, and one in parts is held here only until its last part, up to the limit.
 *
 * <p>Called by one connection's callbacks, which the container never runs at the same time.
 */
final class MessageParts {

    /** What one part made of the message. */
    enum Outcome { INCOMPLETE, COMPLETE, TOO_BIG }

    private final int maxBytes;
    private StringBuilder parts; // the message so far while it arrives in parts, else null
    private long bytes;
    private boolean discarding; // the message went past the limit: its remaining parts are dropped
    private String message;

    /** @param maxBytes the largest message, in UTF-8 bytes */
    MessageParts(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds a part; {@link Outcome#TOO_BIG} once for a message past the limit, whose later parts are then ignored. */
    Outcome add(String part, boolean last) {
        if (discarding) {
            discarding = !last;
            return Outcome.INCOMPLETE;
        }
        if (parts == null && last) {
            return complete(part, part.length() > maxBytes / 3 ? Utf8.length(part) : part.length());
        }
        if (parts == null) {
            parts = new StringBuilder(part.length() * 2);
            bytes = 0;
        }
        bytes += Utf8.length(part);
        if (bytes > maxBytes) {
            parts = null;
            discarding = !last;
            return Outcome.TOO_BIG;
        }
        parts.append(part);
        if (!last) {
            return Outcome.INCOMPLETE;
        }
        String whole = parts.toString();
        parts = null;
        return complete(whole, bytes);
    }

    /** The message the last {@link Outcome#COMPLETE} completed. */
    String message() {
        return message;
    }

    private Outcome complete(String whole, long size) {
        if (size > maxBytes) {
            return Outcome.TOO_BIG;
        }
        message = whole;
        return Outcome.COMPLETE;
    }
}
