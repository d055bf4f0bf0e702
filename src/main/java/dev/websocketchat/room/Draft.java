package dev.websocketchat.room;

import java.time.Instant;

/**
 * A chat said here, on its way to its {@link Fanout} to be numbered: who sent it (told alone when
 * it is a repeat or refused), the name it goes out under and the verified user's id (null for a
 * guest), its text and time, and {@code cid}, the sender's own id for it, or null.
 */
public record Draft(Member from, String name, String user, String text, Instant time, String cid) {
}
