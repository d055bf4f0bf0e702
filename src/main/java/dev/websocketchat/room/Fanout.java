package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import java.time.Instant;

/**
 * The one seam between a room and whatever spreads its events: the room hands every chat and
 * every change of its count to its fanout, and the fanout hands what every instance is to
 * deliver back through the room's {@link Audience}, in one order:
 *
 * <pre>
 *   ChatRoom --chat(), presence()--> Fanout --deliver(), deliverNew(), adopt()--> Audience (the room's members)
 * </pre>
 *
 * <p>{@link LocalFanout} is a room on its own: it has the room number each chat as it delivers
 * it. {@code RedisFanout} publishes to Redis, which numbers chats and totals the counts for every
 * instance, and falls back to numbering here while Redis is out of reach. The room never knows
 * which one it has.
 */
public interface Fanout extends AutoCloseable {

    /** Connects the fanout to its room; called once, by the room's constructor, before anyone is admitted. */
    void start(Audience audience);

    /**
     * Has a chat said here numbered and delivered to the members of every instance, each once.
     * Called without the room's lock; delivery may happen before it returns or later.
     */
    void chat(String name, String text, Instant time);

    /**
     * This instance's count of connections changed ({@code change} is the join or leave that
     * announces it, with this instance's count), or is reported again ({@code change} null, when
     * the fanout asked through {@link Audience#recount}). Called with the room's lock held, so
     * counts arrive in the order they changed: must neither block nor call back into the room.
     *
     * @return the event to deliver to this instance's members now, or null when the fanout will
     *         deliver one itself (with the cluster's count) or nothing is to be announced
     */
    ServerEvent presence(int here, ServerEvent change);

    /**
     * Whether this instance's members are everyone there is, so that the room can list who is
     * here ({@code users} in the history frame); false for a cluster, whose list is not kept yet.
     */
    default boolean listsEveryone() {
        return true;
    }

    /** The count of connections clients are told, given this instance's. */
    int online(int here);

    /** Whether the fanout has a cluster it cannot reach now, so this instance serves its own members alone. */
    boolean degraded();

    /** Withdraws this instance from the fanout; the room calls it last as it closes. */
    @Override
    void close();
}
