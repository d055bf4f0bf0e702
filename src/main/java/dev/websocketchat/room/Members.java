package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A room's shared state under its one lock: who is admitted and under which names, the history,
 * and what is queued for each member. Every change of membership and every delivery
 * takes the lock, encodes its event once and queues it for every member, so ids increase in
 * delivery order, everyone sees one order, a newcomer gets each chat in its history or live
 * (never both, never neither), and the count is exact.
 *
 * <p>The lock is held only to queue, never while calling into a container: sends start after it
 * is released, through the {@link Flusher}, and whoever overflowed is handed to
 * {@code slowConsumers}, also after. As the room's {@link Audience}, this is where its fanout's
 * deliveries come in; the room itself admits and removes through {@link #admit} and {@link #remove}.
 */
final class Members implements Audience {

    private final ReentrantLock lock = new ReentrantLock();
    private final Roster roster = new Roster();
    private final NameCounts names = new NameCounts();
    private final Flusher flusher;
    private final ChatConfig config;
    private final EventCodec codec;
    private final Capacity capacity;
    private final ChatHistory history;
    private final Fanout fanout;
    private final Meters meters;
    private final Consumer<List<Member>> slowConsumers;
    /** Connected and neither admitted nor gone yet: a room with any is not {@linkplain #retireIfQuiet quiet}. */
    private int pending;
    /** When the room last had a chat or a leave (nanoTime), for {@link #retireIfQuiet}. */
    private long lastEventNanos = System.nanoTime();
    private boolean closed;

    /** @param slowConsumers evicts the members a delivery overflowed; called without the lock */
    Members(RoomServices services, Fanout fanout, Consumer<List<Member>> slowConsumers) {
        this.config = services.config;
        this.codec = services.codec;
        this.capacity = services.capacity;
        this.meters = services.meters;
        this.history = new ChatHistory(config.history());
        this.flusher = new Flusher(roster::members, services.flushing);
        this.fanout = fanout;
        this.slowConsumers = slowConsumers;
    }

    /** Everyone admitted now; readable without the lock (see {@link Roster}). */
    Roster roster() {
        return roster;
    }

    /** A member was connected: until it is admitted or gone, the room is not retired. */
    void arrived() {
        lock.lock();
        try {
            pending++;
        } finally {
            lock.unlock();
        }
    }

    /** What an admission did: turned the member away (with why), or queued its history and join (the count with it, who overflowed). */
    record Admission(TurnedAway refusal, int online, List<Member> overflowed) {
    }

    /**
     * Admits a pending member, or turns it away; null if it already left. The history it is sent
     * lists everyone here, itself included; its join, to everyone, follows it.
     */
    Admission admit(Member member, Resume resume) {
        lock.lock();
        try {
            if (member.state != Member.State.PENDING) {
                return null;
            }
            pending--;
            TurnedAway refusal = closed ? TurnedAway.SHUTTING_DOWN : capacity.take(member.clientAddress());
            if (refusal != null) {
                member.state = Member.State.GONE;
                member.outbox.close(); // nothing, not even a refusal of its input, before the close
                return new Admission(refusal, roster.size(), List.of());
            }
            names.add(member.name);
            List<User> users = fanout.listsEveryone() ? names.list() : null;
            boolean historyFits = member.outbox.enqueue(Frame.of(codec.encode(history.after(resume, users))));
            member.state = Member.State.ADMITTED;
            roster.add(member);
            List<Member> overflowed = announce(Join.of(roster.size(), member.name));
            return new Admission(null, roster.size(), historyFits ? overflowed : Roster.plus(overflowed, member));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a removal took the member out; if it had been admitted, the count after its leave
     * (else -1) and who overflowed on the announcement of the leave.
     */
    record Removal(boolean removed, int online, List<Member> overflowed) {
        static final Removal NONE = new Removal(false, -1, List.of());
    }

    /** Takes the member out and, if it was admitted, counts and announces its leave. */
    Removal remove(Member member, LeaveCause cause) {
        lock.lock();
        try {
            if (member.state == Member.State.GONE) {
                return Removal.NONE;
            }
            boolean wasAdmitted = member.state == Member.State.ADMITTED;
            member.state = Member.State.GONE;
            member.outbox.close();
            if (!wasAdmitted) {
                pending--;
                return new Removal(true, -1, List.of());
            }
            meters.left(cause, 1); // before the count drops, so that a count of 0 means every leave is counted
            roster.remove(member);
            capacity.release(member.clientAddress());
            names.remove(member.name);
            lastEventNanos = System.nanoTime();
            return new Removal(true, roster.size(), announce(Leave.of(roster.size(), member.name)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives an admitted member a new name and announces it to the room; nothing if it is gone or
     * already has that name.
     *
     * @return who overflowed on the announcement
     */
    List<Member> rename(Member member, String name) {
        lock.lock();
        try {
            if (member.state != Member.State.ADMITTED || member.name.equals(name)) {
                return List.of();
            }
            String old = member.name;
            names.remove(old);
            names.add(name);
            member.name = name;
            return announce(new Rename(old, name));
        } finally {
            lock.unlock();
        }
    }

    /** Queues a frame for one member alone; false if it overflowed. */
    boolean tell(Member member, ServerEvent event) {
        return member.outbox.enqueue(Frame.of(codec.encode(event)));
    }

    /** Refuses everyone from now on and returns who was in, their outboxes sealed: they keep what is queued. */
    Member[] closeAll() {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            closed = true;
            Member[] everyone = roster.clear(); // which also stops Liveness: it pings and sweeps the roster
            for (Member member : everyone) {
                capacity.release(member.clientAddress());
                member.state = Member.State.GONE;
                member.outbox.seal();
            }
            names.clear();
            return everyone;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the room if nobody is in it or on the way in, and nothing has happened in it for
     * {@code quietNanos}; whether it did. Once closed, a room admits nobody.
     */
    boolean retireIfQuiet(long nowNanos, long quietNanos) {
        lock.lock();
        try {
            if (closed || roster.size() > 0 || pending > 0 || nowNanos - lastEventNanos < quietNanos) {
                return false;
            }
            closed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Starts the sends that were queued, on this thread unless a pass is running, then evicts who overflowed. */
    void sendQueued(List<Member> overflowed) {
        flusher.flush();
        if (!overflowed.isEmpty()) {
            slowConsumers.accept(overflowed);
        }
    }

    @Override
    public void deliver(ServerEvent event) {
        List<Member> overflowed;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (event instanceof Chat chat) {
                history.keep(chat);
                lastEventNanos = System.nanoTime();
            }
            overflowed = queue(event);
        } finally {
            lock.unlock();
        }
        flusher.flushElsewhere(); // a fanout's thread goes back to its cluster while members are written to
        if (!overflowed.isEmpty()) {
            slowConsumers.accept(overflowed);
        }
    }

    @Override
    public void deliverNew(String name, String text, Instant time) {
        List<Member> overflowed;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            overflowed = queue(history.append(name, text, time));
            lastEventNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
        sendQueued(overflowed); // on the sender's thread, which may find other chats to send with it
    }

    @Override
    public void adopt(String epoch, List<Chat> recent, long after) {
        Set<Member> overflowed = new LinkedHashSet<>(); // a member may overflow on several chats
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Chat chat : recent) {
                if (chat.id() > after) {
                    overflowed.addAll(queue(chat));
                }
            }
            history.replace(epoch, recent);
        } finally {
            lock.unlock();
        }
        flusher.flushElsewhere();
        if (!overflowed.isEmpty()) {
            slowConsumers.accept(List.copyOf(overflowed));
        }
    }

    @Override
    public Resume position() {
        lock.lock();
        try {
            return new Resume(history.epoch(), history.lastId());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void recount() {
        lock.lock();
        try {
            if (!closed) {
                fanout.presence(roster.size(), null);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues the event for every member. Lock held. */
    private List<Member> queue(ServerEvent event) {
        return roster.enqueue(Frame.of(codec.encode(event)));
    }

    /** Hands the new count to the fanout and queues what it says to announce here now. Lock held. */
    private List<Member> announce(ServerEvent presence) {
        ServerEvent now = fanout.presence(roster.size(), presence);
        return now == null ? List.of() : queue(now);
    }
}
