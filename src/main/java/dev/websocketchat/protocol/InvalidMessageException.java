package dev.websocketchat.protocol;

/** Input the server refuses; {@link #getMessage()} is the reason sent back to the client. */
public final class InvalidMessageException extends Exception {

    /** What was wrong, as a fixed set (the message may quote the input; this never does). */
    public enum Kind {
        INVALID_JSON, MISSING_TYPE, UNKNOWN_TYPE, MISSING_FIELD, WRONG_FIELD_TYPE, BLANK_TEXT, TEXT_TOO_LONG, NAME_TOO_LONG, INVALID_UNICODE,
        IMITATES_NOTICE, MIXED_SCRIPTS, INVALID_CLIENT_ID
    }

    private final Kind kind;

    public InvalidMessageException(Kind kind, String reason) {
        super(reason, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
