package dev.websocketchat.room;

/**
 * Who a connection is, as the room knows it: the name it shows, and for a verified user its id
 * ({@code sub}, which fixes the name) and whether it moderates. The room never sees how that was
 * proven.
 */
public record Person(String name, String user, boolean moderator) {

    /** A guest: a name typed freely, no user, no moderation. */
    public static Person guest(String name) {
        return new Person(name, null, false);
    }
}
