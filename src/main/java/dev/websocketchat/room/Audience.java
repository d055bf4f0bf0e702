package dev.websocketchat.room;

import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import java.util.List;
import java.util.Map;

/**
 * A room's members as its {@link Fanout} sees them: where what is to be delivered comes back in.
 * Every method takes the room's lock itself, so a fanout must not call one while holding a lock
 * the room's own calls into it could wait for. Nothing is delivered once the room is closed.
 */
public interface Audience {

    /**
     * Queues an event for this instance's members: a chat its fanout numbered (kept in the
     * history too; a fanout hands chats over in increasing id order, one at a time), or a join,
     * leave or rename, which the list of who is here follows. Nothing is sent until the caller
     * starts the sends it returns, {@linkplain Queued#here here} or {@linkplain Queued#elsewhere elsewhere}.
     */
    Queued deliver(ServerEvent event);

    /** The id of the chat the room's history holds with this {@code cid}; 0 if none (or {@code cid} is null). */
    long idOf(String cid);

    /**
     * Delivers a passing event that is not kept and changes nothing (someone typing) to this
     * instance's members but {@code except} (a member's id; 0 for none).
     */
    void passing(ServerEvent event, long except);

    /** Tells the draft's sender alone that its {@code cid} was delivered before, as chat {@code id}. */
    void repeated(Draft draft, long id);

    /**
     * Takes a cluster's epoch and recent chats (oldest first) as this room's history, and
     * delivers those numbered above {@code after} (none for {@link Long#MAX_VALUE}): the ones this
     * instance missed while it could not hear the cluster.
     */
    void adopt(String epoch, List<Chat> recent, long after);

    /** Where the history stands: its epoch, and the highest id given or delivered (0 before the first chat). */
    Resume position();

    /**
     * Delivers the join of this instance's own member {@code member}, numbered by the cluster (its
     * {@link Fanout#presence} returned false): the member, unless it left meanwhile, gets its history
     * now, listing everyone up to and including itself, then everyone gets the join.
     */
    void admitted(long member, Join join);

    /**
     * Takes everyone in the room on every instance, by name (and user) with their connections, as the cluster
     * has it now, and delivers the leaves and joins that bring the members' lists there (none if
     * they agree already).
     */
    void everyone(List<ServerEvent.User> users);

    /**
     * A moderator's kick, ban or mute in the room, made on any instance: a ban or mute is kept
     * until it ends ({@code until}; lifted without one), everyone here is told, and this
     * instance's members it names are closed with 4403 after reading it (a kick, or a ban).
     */
    void moderated(ServerEvent.Moderation event);

    /** The bans and mutes in force in the room, as a cluster keeps them, for a room opening here: kept, and told to nobody. */
    void sanctioned(List<ServerEvent.Moderation> inForce);

    /** Calls {@link Fanout#recount} with this instance's connections by name, under the room's lock. */
    void recount();
}
