package dev.websocketchat.room;

/** Why a connection left the room; logged with every close and counted by {@link ChatMetrics}. */
public enum LeaveCause {
    /** The client closed the connection with a close frame. */
    CLOSED,
    /** The connection ended without a close frame (1006): a TCP reset, or a peer that vanished. */
    RESET,
    /** The container reported an error on the connection. */
    ERROR,
    /** A send to the connection failed. */
    SEND_FAILED,
    /** Its send queue went over the limit: closed with 1013. */
    SLOW_CONSUMER,
    /** Nothing heard from it, not even a pong, for longer than the idle limit: closed with 1001. */
    IDLE,
    /** It sent a message larger than the limit: closed with 1009. */
    TOO_BIG,
    /** It kept sending far over the rate limit: closed with 1008. */
    FLOODING,
    /** It sent a frame that RFC 6455 forbids, such as an unmasked one: closed with 1002. */
    PROTOCOL_ERROR,
    /** It sent a binary frame: closed with 1003. */
    UNSUPPORTED_DATA,
    /** The server is shutting down: closed with 1001. */
    SHUTDOWN
}
