package dev.websocketchat.protocol;

/** Input the server refuses; {@link #getMessage()} is the reason sent back to the client. */
public final class InvalidMessageException extends Exception {

    public InvalidMessageException(String reason) {
        super(reason, null, false, false);
    }
}
