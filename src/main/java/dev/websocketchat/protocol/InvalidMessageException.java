package dev.websocketchat.protocol;

/** Input the server refuses; {@link #getMessage()} is the reason sent back to the client. */
public final class InvalidMessageException extends Exception {

    /** What was wrong, as a fixed set (the message may quote the input; this never does). */
    public enum Kind {
        INVALID_JSON, MISSING_TYPE, UNKNOWN_TYPE, MISSING_FIELD, WRONG_FIELD_TYPE, BLANK_TEXT, TEXT_TOO_LONG, NAME_TOO_LONG, INVALID_UNICODE,
        IMITATES_NOTICE, MIXED_SCRIPTS, INVALID_CLIENT_ID
    }

    private final Kind kind;
    private final String cid;

    public InvalidMessageException(Kind kind, String reason) {
        this(kind, reason, null);
    }

    private InvalidMessageException(Kind kind, String reason, String cid) {
        super(reason, null, false, false);
        this.kind = kind;
        this.cid = cid;
    }

    public Kind kind() {
        return kind;
    }

    /** The refused chat's {@code cid}, when it had a valid one, so its sender can tell which chat was refused; else null. */
    public String cid() {
        return cid;
    }

    /** The same refusal, naming the chat by its {@code cid}. */
    InvalidMessageException about(String chatId) {
        return chatId == null ? this : new InvalidMessageException(kind, getMessage(), chatId);
    }
}
