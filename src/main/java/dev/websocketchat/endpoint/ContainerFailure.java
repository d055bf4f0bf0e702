package dev.websocketchat.endpoint;

import dev.websocketchat.room.LeaveCause;

/**
 * What a failure a container reports to {@code @OnError} says happened to the connection. Most
 * are plain I/O failures ({@link LeaveCause#of}); Undertow (WildFly) also reports a client frame
 * it refused this way, as an I/O failure, before it closes with 1002 or 1007, and that is the
 * client breaking the protocol, not the connection breaking. Known by class name, so that this
 * loads in every container.
 */
final class ContainerFailure {

    /** Undertow's: a frame that is not masked, a reserved opcode or bit, text that is not UTF-8. */
    private static final String UNDERTOW_CORRUPTED_FRAME = "io.undertow.websockets.core.WebSocketFrameCorruptedException";

    private ContainerFailure() {
    }

    static LeaveCause causeOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getClass().getName().equals(UNDERTOW_CORRUPTED_FRAME)) {
                return LeaveCause.PROTOCOL_ERROR;
            }
        }
        return LeaveCause.of(failure);
    }
}
