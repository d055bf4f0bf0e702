package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.User;
import java.util.List;

/**
 * The one seam between a room and whatever spreads its events: the room hands every chat and
 * every change of its count to its fanout, and the fanout hands what every instance is to
 * deliver back through the room's {@link Audience}, in one order:
 *
 * <pre>
 *   ChatRoom --chat(), presence(), typing(), moderate()--> Fanout --deliver(), repeated(), admitted(), passing(), everyone(), adopt(), moderated()--> Audience
 * </pre>
 *
 * <p>Every chat takes one path: the fanout numbers it and hands it to {@link Audience#deliver},
 * one at a time in increasing id order. {@link LocalFanout} is a room on its own: it numbers each
 * chat in this process. {@code RedisFanout} publishes to Redis, which numbers chats and keeps who
 * is in the room on every instance; while Redis is out of reach it holds chats until it is back,
 * and never numbers one itself. The room never knows which one it has.
 */
public interface Fanout extends AutoCloseable {

    /** Connects the fanout to its room; called once, by the room's constructor, before anyone is admitted. */
    void start(Audience audience);

    /**
     * Has a chat said here numbered and delivered to the members of every instance, each once, or
     * its sender told it was delivered before ({@link Audience#repeated}) when its {@code cid} was.
     * Called without the room's lock; delivery may happen before it returns or later.
     *
     * @return false if the chat is refused, as a cluster out of reach that holds all the chats it
     *         can; nothing of it is delivered then
     */
    boolean chat(Draft draft);

    /**
     * A connection of this instance joined, left or took a new name: {@code change} is the
     * {@link ServerEvent.Join}, {@link ServerEvent.Leave} or {@link ServerEvent.Rename} that
     * announces it (with this instance's count), {@code member} the connection's id. Called with the
     * room's lock held, so changes arrive in the order they happened: must neither block nor call
     * back into the room.
     *
     * @return true if the room is to announce {@code change} to this instance's members now, as it
     *         is; false if the fanout delivers it itself, with the cluster's count (a join through
     *         {@link Audience#admitted}, at which point the newcomer gets its history), or it is
     *         not to be announced at all (the leave of a member whose join never went out)
     */
    boolean presence(ServerEvent change, long member);

    /**
     * Shows a passing event that changes nothing and is never kept (someone typing) to everyone in
     * the room on every instance but this instance's member {@code member}, through
     * {@link Audience#passing}. Called without the room's lock; may be dropped while a cluster is
     * out of reach of it, but never reaches only some of this instance's members.
     */
    void typing(ServerEvent.Typing event, long member);

    /**
     * Has a moderator's kick, ban or mute applied and announced on every instance, through
     * {@link Audience#moderated}; called without the room's lock.
     *
     * @return false if it cannot be now (a cluster out of reach): nothing of it is applied
     */
    boolean moderate(ServerEvent.Moderation event);

    /**
     * This instance's connections by name, reported again because the fanout asked through
     * {@link Audience#recount}; with the room's lock held, so no change is reported out of order.
     */
    default void recount(List<User> here) {
    }

    /** The count of connections clients are told, given this instance's. */
    int online(int here);

    /** Whether the fanout has a cluster it cannot reach now, so this instance serves its own members alone. */
    boolean degraded();

    /** Withdraws this instance from the fanout; the room calls it last as it closes. */
    @Override
    void close();
}
