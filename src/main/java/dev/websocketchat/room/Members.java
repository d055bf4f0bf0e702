package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A room's shared state under its one lock: who is admitted, how many from each address, the
 * history, and what is queued for each member. Every change of membership and every delivery
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
    private final AddressCount perAddress = new AddressCount();
    private final Flusher flusher = new Flusher(roster::members);
    private final ChatConfig config;
    private final EventCodec codec;
    private final ChatHistory history;
    private final Fanout fanout;
    private final Meters meters;
    private final Consumer<List<Member>> slowConsumers;
    private boolean closed;

    /** @param slowConsumers evicts the members a delivery overflowed; called without the lock */
    Members(ChatConfig config, EventCodec codec, Fanout fanout, Meters meters, Consumer<List<Member>> slowConsumers) {
        this.config = config;
        this.codec = codec;
        this.history = new ChatHistory(config.history());
        this.fanout = fanout;
        this.meters = meters;
        this.slowConsumers = slowConsumers;
    }

    /** Everyone admitted now; readable without the lock (see {@link Roster}). */
    Roster roster() {
        return roster;
    }

    /** What an admission did: turned the member away (with why), or queued its history and join (the count with it, who overflowed). */
    record Admission(TurnedAway refusal, int online, List<Member> overflowed) {
    }

    /** Admits a pending member, or turns it away; null if it already left. */
    Admission admit(Member member, Resume resume) {
        lock.lock();
        try {
            if (member.state != Member.State.PENDING) {
                return null;
            }
            TurnedAway refusal = closed ? TurnedAway.SHUTTING_DOWN : roster.size() >= config.maxConnections() ? TurnedAway.SERVER_FULL
                    : isOverItsAddressLimit(member) ? TurnedAway.ADDRESS_FULL : null;
            if (refusal != null) {
                member.state = Member.State.GONE;
                member.outbox.close(); // nothing, not even a refusal of its input, before the close
                return new Admission(refusal, roster.size(), List.of());
            }
            boolean historyFits = member.outbox.enqueue(Frame.of(codec.encode(history.after(resume))));
            member.state = Member.State.ADMITTED;
            roster.add(member);
            perAddress.add(member.clientAddress());
            List<Member> overflowed = announce(Join.of(roster.size()));
            return new Admission(null, roster.size(), historyFits ? overflowed : Roster.plus(overflowed, member));
        } finally {
            lock.unlock();
        }
    }

    private boolean isOverItsAddressLimit(Member member) {
        return config.maxConnectionsPerAddress() > 0 && perAddress.of(member.clientAddress()) >= config.maxConnectionsPerAddress();
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
                return new Removal(true, -1, List.of());
            }
            meters.left(cause, 1); // before the count drops, so that a count of 0 means every leave is counted
            roster.remove(member);
            perAddress.remove(member.clientAddress());
            return new Removal(true, roster.size(), announce(Leave.of(roster.size())));
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
            perAddress.clear();
            for (Member member : everyone) {
                member.state = Member.State.GONE;
                member.outbox.seal();
            }
            return everyone;
        } finally {
            lock.unlock();
        }
    }

    /** Admitted connections from the client address now. */
    int connectionsFrom(String clientAddress) {
        lock.lock();
        try {
            return perAddress.of(clientAddress);
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

    /** Ends the flusher's own thread; see {@link Flusher#shutdown}. */
    void stopFlushing() {
        flusher.shutdown();
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
