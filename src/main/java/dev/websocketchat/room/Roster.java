package dev.websocketchat.room;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The admitted members. The array is replaced on every change and never mutated, so anyone may
 * read {@link #members()} without a lock (liveness sweeps, metrics, delivery after the lock is
 * released) and see one consistent set. Changes, and {@link #enqueue}, happen under the room's lock.
 */
final class Roster {

    private static final Member[] NOBODY = {};

    private volatile Member[] members = NOBODY;

    Member[] members() {
        return members;
    }

    int size() {
        return members.length;
    }

    void add(Member added) {
        Member[] grown = Arrays.copyOf(members, members.length + 1);
        grown[members.length] = added;
        members = grown;
    }

    void remove(Member removed) {
        Member[] shrunk = new Member[members.length - 1];
        int next = 0;
        for (Member member : members) {
            if (member != removed) {
                shrunk[next++] = member;
            }
        }
        members = shrunk;
    }

    /** Empties the roster; returns who was in it. */
    Member[] clear() {
        Member[] everyone = members;
        members = NOBODY;
        return everyone;
    }

    /** Appends the frame to every member's outbox; returns those that went over their limit. */
    List<Member> enqueue(Frame frame) {
        return enqueue(frame, 0);
    }

    /** As {@link #enqueue(Frame)}, for everyone but the member with id {@code except} (0: nobody is left out). */
    List<Member> enqueue(Frame frame, long except) {
        List<Member> overflowed = List.of();
        for (Member member : members) {
            if (member.id() != except && !member.outbox.enqueue(frame)) {
                overflowed = plus(overflowed, member);
            }
        }
        return overflowed;
    }

    /** Bytes queued or in flight to every member. */
    long queuedBytes() {
        long total = 0;
        for (Member member : members) {
            total += member.outbox.queuedBytes();
        }
        return total;
    }

    /** A list that stays {@code List.of()}, allocation-free, in the usual case of nobody added. */
    static List<Member> plus(List<Member> members, Member added) {
        List<Member> result = members.isEmpty() ? new ArrayList<>() : members;
        result.add(added);
        return result;
    }
}
