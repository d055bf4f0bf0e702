package dev.websocketchat.room;

import dev.websocketchat.protocol.InvalidMessageException;
import java.util.Locale;

/** Why input was refused or a connection was turned away; counted by reason in {@code chat_rejected_total}. */
public enum Rejection {
    INVALID_JSON, MISSING_TYPE, UNKNOWN_TYPE, MISSING_FIELD, WRONG_FIELD_TYPE, BLANK_TEXT, TEXT_TOO_LONG,
    NAME_TOO_LONG, INVALID_UNICODE, RATE_LIMITED, TOO_BIG, PROTOCOL_ERROR, BINARY, HOST, ORIGIN, SERVER_FULL, ADDRESS_FULL,
    NO_SUCH_ROOM, TOO_MANY_ROOMS, ADDRESS_ROOMS, HANDSHAKE_RATE, ADDRESS_RATE_LIMITED, SERVER_BUSY, NOT_GET,
    IMITATES_NOTICE, MIXED_SCRIPTS, ADDRESS_SOCKETS, REQUEST_TIMEOUT, INVALID_CLIENT_ID, CLUSTER_UNREACHABLE,
    /** A connection that did not prove who it is where it must (4401), or a renewal that failed. */
    UNAUTHENTICATED,
    /** A private room refused to someone its token does not name (4403). */
    FORBIDDEN_ROOM,
    /** A verified user asked to be called something else: its name is its identity's. */
    NAME_VERIFIED,
    /** An {@code auth} frame from a connection that has nothing to renew (a guest, or the container's login). */
    AUTH_UNEXPECTED,
    /** A guest asked for a name a verified user in the room holds, for itself or for a chat. */
    NAME_HELD,
    /** A kick, ban or mute from someone who does not moderate. */
    NOT_MODERATOR,
    /** A chat from someone a moderator muted. */
    MUTED,
    /** A connection to a room a moderator banned it from (4403). */
    BANNED;

    /** As clients and metrics see it: {@code rate_limited}, {@code text_too_long}, …; never changes for a given reason. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** What the codec found wrong with a message, as counted. */
    public static Rejection of(InvalidMessageException.Kind kind) {
        return switch (kind) {
            case INVALID_JSON -> INVALID_JSON;
            case MISSING_TYPE -> MISSING_TYPE;
            case UNKNOWN_TYPE -> UNKNOWN_TYPE;
            case MISSING_FIELD -> MISSING_FIELD;
            case WRONG_FIELD_TYPE -> WRONG_FIELD_TYPE;
            case BLANK_TEXT -> BLANK_TEXT;
            case TEXT_TOO_LONG -> TEXT_TOO_LONG;
            case NAME_TOO_LONG -> NAME_TOO_LONG;
            case INVALID_UNICODE -> INVALID_UNICODE;
            case IMITATES_NOTICE -> IMITATES_NOTICE;
            case MIXED_SCRIPTS -> MIXED_SCRIPTS;
            case INVALID_CLIENT_ID -> INVALID_CLIENT_ID;
        };
    }
}
