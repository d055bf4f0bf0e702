package dev.websocketchat.room;

/**
 * How a verified member proves again who it is, before the proof it came with ends: the endpoint
 * checks the token a client sends in an {@code auth} frame, and the room hears only the verdict.
 */
@FunctionalInterface
public interface Renewal {

    /**
     * Takes a fresh token: null if it proves the same user, and the member's proof now lasts as
     * long as it does; else the reason to close the connection with (4401): a bad token, or another user's.
     */
    String renew(String token);

    /** The connection ended: whatever watches its proof's end stops, so a long token holds nothing of it meanwhile. */
    default void end() {
    }
}
