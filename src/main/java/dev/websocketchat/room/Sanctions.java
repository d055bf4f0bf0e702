package dev.websocketchat.room;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A room's bans and mutes, each until a time ({@link System#nanoTime}): of a verified user by id,
 * or of a guest by name. At most {@value #MOST} of each are kept; one more replaces the one that
 * ends first, and ended ones go as they are looked at. In memory, for as long as the room is open:
 * a room with a sanction in force is never retired. Not thread-safe: the room calls it with its lock held.
 */
final class Sanctions {

    static final int MOST = 1000;

    private final Map<String, Long> bans = new HashMap<>();
    private final Map<String, Long> mutes = new HashMap<>();

    /** The key a member is sanctioned under: its user if verified, else its name. */
    static String keyOf(String user, String name) {
        return user != null ? "user:" + user : "name:" + name;
    }

    /** Bans (or with {@code untilNanos} 0, lifts the ban of) the key. */
    void ban(String key, long untilNanos) {
        set(bans, key, untilNanos);
    }

    void mute(String key, long untilNanos) {
        set(mutes, key, untilNanos);
    }

    boolean banned(Member member, long nowNanos) {
        return until(bans, keyOf(member.user, member.name), nowNanos) != 0;
    }

    /** When the member's mute ends; 0 if it is not muted. */
    long mutedUntil(Member member, long nowNanos) {
        return until(mutes, keyOf(member.user, member.name), nowNanos);
    }

    /** Whether no sanction is in force, dropping the ended ones. */
    boolean none(long nowNanos) {
        drop(bans, nowNanos);
        drop(mutes, nowNanos);
        return bans.isEmpty() && mutes.isEmpty();
    }

    void clear() {
        bans.clear();
        mutes.clear();
    }

    private static void set(Map<String, Long> sanctions, String key, long untilNanos) {
        if (untilNanos == 0) {
            sanctions.remove(key);
            return;
        }
        if (sanctions.size() >= MOST && !sanctions.containsKey(key)) {
            sanctions.entrySet().stream().min(Map.Entry.comparingByValue()).ifPresent(first -> sanctions.remove(first.getKey()));
        }
        sanctions.put(key, untilNanos);
    }

    private static long until(Map<String, Long> sanctions, String key, long nowNanos) {
        Long until = sanctions.get(key);
        if (until == null) {
            return 0;
        }
        if (until - nowNanos <= 0) {
            sanctions.remove(key);
            return 0;
        }
        return until;
    }

    private static void drop(Map<String, Long> sanctions, long nowNanos) {
        for (Iterator<Long> ends = sanctions.values().iterator(); ends.hasNext(); ) {
            if (ends.next() - nowNanos <= 0) {
                ends.remove();
            }
        }
    }
}
