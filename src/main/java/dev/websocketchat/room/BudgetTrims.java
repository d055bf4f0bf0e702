package dev.websocketchat.room;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Supplier;

/**
 * How the server's {@link MemoryBudget} is brought back under its limits over every room of the
 * registry: the oldest history of the largest rooms first, and the connections with the most
 * queued first. Each room's lock is taken in turn, never two at once, and only on the budget's
 * timer thread.
 */
final class BudgetTrims implements MemoryBudget.Trims {

    /** The registry's rooms now. */
    private final Supplier<Collection<ChatRoom>> rooms;

    BudgetTrims(Supplier<Collection<ChatRoom>> rooms) {
        this.rooms = rooms;
    }

    /** Runs on the timer thread, only when the history is over its budget: a queue of the rooms, made and dropped within the call. */
    @Override
    public void history(long bytes) {
        PriorityQueue<Held> largest = new PriorityQueue<>(Comparator.comparingLong(Held::bytes).reversed());
        long total = 0;
        for (ChatRoom room : rooms.get()) {
            long held = room.historyBytes();
            total += held;
            if (held > 0) {
                largest.add(new Held(room, held));
            }
        }
        while (total > bytes && !largest.isEmpty()) {
            Held top = largest.poll();
            long next = largest.isEmpty() ? 0 : largest.peek().bytes();
            long freed = top.room().dropHistory(Math.min(total - bytes, top.bytes() - next + 1));
            total -= freed;
            if (freed > 0 && top.bytes() - freed > 0) {
                largest.add(new Held(top.room(), top.bytes() - freed));
            }
        }
    }

    /**
     * Runs on the timer thread, only when the queues are over their budget: a list of every admitted
     * member (at most {@code CHAT_MAX_CONNECTIONS}), made and dropped within the call.
     */
    @Override
    public void queues(long bytes) {
        List<Queued> holders = new ArrayList<>();
        long total = 0;
        for (ChatRoom room : rooms.get()) {
            for (Member member : room.admitted()) {
                long queued = member.outbox.queuedBytes();
                total += queued;
                holders.add(new Queued(member, queued));
            }
        }
        holders.sort(Comparator.comparingLong(Queued::bytes).reversed());
        for (int i = 0; i < holders.size() && total > bytes; i++) {
            Queued most = holders.get(i);
            most.member().room().evictOverBudget(most.member(), most.bytes());
            total -= most.bytes();
        }
    }

    /** What one member had queued when the queues were trimmed. */
    private record Queued(Member member, long bytes) {
    }

    /** Heap bytes a room's history holds. */
    private record Held(ChatRoom room, long bytes) {
    }
}
