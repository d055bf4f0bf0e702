package dev.websocketchat.room;

import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.User;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The chat ids of one epoch and its most recent chats. An epoch is one run of the room: ids start
 * at 1 in each, so a client resuming with an id from another epoch is told its history is not
 * complete rather than being given the wrong chats.
 *
 * <p>With a fanout that numbers chats elsewhere (a cluster), the ids and the epoch are its own:
 * chats numbered there are {@link #keep kept} as they arrive, and {@link #replace} takes its
 * shared history when it asks; only a room on its own numbers chats here ({@link #append}).
 *
 * <p>The chats kept are also the window in which a sender's resend is known for one: a chat's
 * {@code cid} finds the chat kept with it ({@link #idOf}), so a client that lost its connection
 * before its chat's echo arrived can send it again without it being delivered twice.
 *
 * <p>Memory: what it holds is counted in heap bytes ({@link #heapBytes}), whatever the characters,
 * and reported to the server's {@link MemoryBudget}, which may ask it to {@linkplain #dropOldest drop
 * its oldest chats} when all rooms together hold too much; a client resuming from a dropped chat is
 * told its history is not complete, as after any chat dropped for room.
 *
 * <p>Not thread-safe: the room calls it with its lock held.
 */
final class ChatHistory {

    /**
     * A kept chat's fixed cost beside its strings' characters: the record (32), its
     * {@link Instant} (24), two strings and their arrays (2 x 40) and the queue's slot, rounded up.
     */
    static final int CHAT_OVERHEAD_BYTES = 144;
    /** What a {@code cid} adds beside its characters: its string (40) and its entry in the index (48), rounded up. */
    static final int CID_OVERHEAD_BYTES = 96;

    private String epoch = Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);

    private final int capacity;
    private final MemoryBudget budget;
    private final ArrayDeque<Chat> recent = new ArrayDeque<>();
    /**
     * The ids of the chats in {@link #recent} that came with a {@code cid}, by it: never more
     * entries than {@link #recent} holds ({@code CHAT_HISTORY}, less what the memory budget
     * trimmed), and counted in {@link #heapBytes}.
     */
    private final Map<String, Long> byCid = new HashMap<>();
    private long lastId;
    private long bytes;

    /** @param capacity how many chats to keep; 0 keeps none */
    ChatHistory(int capacity, MemoryBudget budget) {
        this.capacity = capacity;
        this.budget = budget;
    }

    /** What a kept chat costs the heap: compact strings take a byte a character if all are Latin-1, else two. */
    static long heapBytes(Chat chat) {
        long bytes = CHAT_OVERHEAD_BYTES + stringBytes(chat.name()) + stringBytes(chat.text());
        return chat.cid() == null ? bytes : bytes + CID_OVERHEAD_BYTES + chat.cid().length();
    }

    private static int stringBytes(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                return 2 * value.length();
            }
        }
        return value.length();
    }

    /** Heap bytes held now. */
    long bytes() {
        return bytes;
    }

    String epoch() {
        return epoch;
    }

    /** The highest id given or kept so far; 0 before the first chat. */
    long lastId() {
        return lastId;
    }

    /** Gives the chat the next id and keeps it, dropping the oldest when full. */
    Chat append(String name, String text, Instant time, String cid) {
        Chat chat = new Chat(lastId + 1, name, text, time, cid);
        keep(chat);
        return chat;
    }

    /** The id of the kept chat that came with this {@code cid}; 0 if none is kept (or {@code cid} is null). */
    long idOf(String cid) {
        return cid == null ? 0 : byCid.getOrDefault(cid, 0L);
    }

    /** Keeps a chat that already has its id, dropping the oldest when full. */
    void keep(Chat chat) {
        lastId = Math.max(lastId, chat.id());
        if (capacity > 0) {
            if (recent.size() == capacity) {
                removeOldest();
            }
            recent.addLast(chat);
            if (chat.cid() != null) {
                byCid.put(chat.cid(), chat.id());
            }
            long cost = heapBytes(chat);
            bytes += cost;
            budget.history(cost);
        }
    }

    /** Takes the cluster's epoch and its shared history, oldest first, in place of what is kept. */
    void replace(String newEpoch, List<Chat> chats) {
        epoch = newEpoch;
        clear();
        chats.forEach(this::keep);
    }

    /** Drops the oldest chats until at least {@code atLeast} heap bytes are freed, or none is left; returns the bytes freed. */
    long dropOldest(long atLeast) {
        long freed = 0;
        while (freed < atLeast && !recent.isEmpty()) {
            freed += removeOldest();
        }
        return freed;
    }

    /** Drops every chat kept (the ids go on): the room is closing. */
    void clear() {
        dropOldest(Long.MAX_VALUE);
    }

    private long removeOldest() {
        Chat oldest = recent.removeFirst();
        if (oldest.cid() != null) {
            byCid.remove(oldest.cid(), oldest.id());
        }
        long cost = heapBytes(oldest);
        bytes -= cost;
        budget.history(-cost);
        return cost;
    }

    /**
     * The chats after the resume point, complete, when it is in this epoch and no chat after it has
     * been dropped; otherwise every chat kept, complete only if none of the epoch was ever dropped.
     * The frame lists {@code users} beside them, who is in the room now.
     */
    History after(Resume resume, List<User> users) {
        long firstKept = recent.isEmpty() ? lastId + 1 : recent.getFirst().id();
        if (epoch.equals(resume.epoch()) && resume.since() >= firstKept - 1 && resume.since() <= lastId) {
            List<Chat> missed = new ArrayList<>();
            for (Chat chat : recent) {
                if (chat.id() > resume.since()) {
                    missed.add(chat);
                }
            }
            return new History(epoch, true, missed, users);
        }
        return new History(epoch, resume.isNone() && firstKept == 1, List.copyOf(recent), users);
    }
}
