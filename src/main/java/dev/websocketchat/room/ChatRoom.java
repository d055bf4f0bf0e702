package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.ChatRequest;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Refusal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one owner of shared chat state: who is connected, the count, the history and the chat ids.
 *
 * <p>Ordering: one lock serialises every change of membership and every delivery, and inside it
 * an event is encoded once and appended to every member's {@link Outbox}. So ids increase in
 * delivery order, every member sees the same order, a newcomer gets each chat either in its
 * history or live (never both, never neither), and {@code online} is exact.
 *
 * <p>Fan-out: a chat goes to the room's {@link Fanout} to be numbered, and comes back, with
 * everything else to deliver, through the room's {@link Audience} ({@link Members}); a join or a
 * leave goes to the fanout under the lock, which says what to announce here now. The room does
 * the same whether the fanout is this process alone or a cluster.
 *
 * <p>Never blocking on a peer: the lock is held only to enqueue, never while calling into the
 * container. Sends start after it is released (through the {@link Flusher}), and closes, which may
 * block, run on the {@link Closer}'s threads. A member whose queue overflows is removed at once
 * (its leave is announced) and closed with 1013.
 *
 * <p>Exactly one leave per connection: {@link #leave} is idempotent, so the container reporting
 * an error and then a close, or the room evicting a member the container closes later, still
 * announces one leave.
 */
public final class ChatRoom implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());
    private static final long SHUTDOWN_FLUSH_MILLIS = 2000;

    private final ChatConfig config;
    private final EventCodec codec;
    private final Clock clock;
    private final Fanout fanout;
    private final AtomicLong lastMemberId = new AtomicLong();
    private final ScheduledExecutorService timer = DaemonThreads.timer("chat-timer");
    private final ScheduledExecutorService pinger = DaemonThreads.timer("chat-ping");
    private final Closer closer = new Closer(timer);

    private final ReentrantLock lock = new ReentrantLock();
    private final Roster roster = new Roster();
    private final AddressCount perAddress = new AddressCount();
    private final Flusher flusher = new Flusher(roster::members);
    private final Meters metrics;
    private final ChatHistory history;
    private boolean closed;

    /** A room on its own, in this process, that counts nothing. */
    public ChatRoom(ChatConfig config) {
        this(config, new LocalFanout(), Meters.NONE, Clock.systemUTC());
    }

    /**
     * A room whose chats and counts go through the fanout, and whose meters count what happens
     * in it. The room starts the fanout, and closes it when it closes.
     */
    public ChatRoom(ChatConfig config, Fanout fanout, Meters meters) {
        this(config, fanout, meters, Clock.systemUTC());
    }

    ChatRoom(ChatConfig config, Fanout fanout, Meters meters, Clock clock) {
        this.config = config;
        this.metrics = meters;
        this.codec = new EventCodec(config.maxText());
        this.clock = clock;
        this.fanout = fanout;
        this.history = new ChatHistory(config.history());
        meters.watch(roster::size, roster::queuedBytes);
        new Liveness(config, roster::members, idle -> evict(idle, LeaveCause.IDLE)).start(timer, pinger);
        fanout.start(new Members()); // last: a cluster's fanout may deliver from its own threads at once
    }

    public ChatConfig config() {
        return config;
    }

    /** What the room counts; its endpoints count what they see there too. */
    public Meters metrics() {
        return metrics;
    }

    /** Connections to this room admitted here and not yet gone. */
    public int online() {
        return roster.size();
    }

    /** The count clients are told: the cluster's when there is one, otherwise {@link #online()}. */
    public int chatOnline() {
        return fanout.online(roster.size());
    }

    /** Whether the room is clustered but cannot reach the cluster, so serves only its own members. */
    public boolean degraded() {
        return fanout.degraded();
    }

    /** The epoch of the room's history; see {@link ServerEvent.History}. */
    String epoch() {
        lock.lock();
        try {
            return history.epoch();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a new connection without announcing it; {@link #admit} does that.
     *
     * @param remoteAddress where it came from, for the logs
     * @param clientAddress the client's IP address, which {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} counts
     */
    public Member connect(Peer peer, String remoteAddress, String clientAddress) {
        metrics.connected(peer.writesFrames());
        return new Member(lastMemberId.incrementAndGet(), remoteAddress, clientAddress, peer, config,
                (member, failure) -> {
                    // A send fails as a matter of course when the peer closes or resets meanwhile.
                    LOG.log(Level.FINE, failure, () -> "send to " + member + " failed");
                    evict(member, member.peer.isOpen() ? LeaveCause.SEND_FAILED : LeaveCause.CLOSED);
                },
                metrics::delivered, System.nanoTime());
    }

    /** Admitted connections from the client address now. */
    public int connectionsFrom(String clientAddress) {
        lock.lock();
        try {
            return perAddress.of(clientAddress);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the member the chats after its resume point (all recent chats for {@link Resume#NONE}),
     * then announces it to everyone, itself included. With {@code CHAT_MAX_CONNECTIONS} members
     * already in, or {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} from its address (1013), or once the
     * room is shut (1001), it is closed instead, before any event, and never counted. A member
     * that already left is neither admitted nor refused.
     */
    public void admit(Member member, Resume resume) {
        List<Member> overflowed = List.of();
        TurnedAway refusal;
        lock.lock();
        try {
            if (member.state != Member.State.PENDING) {
                return;
            }
            refusal = closed ? TurnedAway.SHUTTING_DOWN : roster.size() >= config.maxConnections() ? TurnedAway.SERVER_FULL
                    : isOverItsAddressLimit(member) ? TurnedAway.ADDRESS_FULL : null;
            if (refusal != null) {
                member.state = Member.State.GONE;
                member.outbox.close(); // nothing, not even a refusal of its input, before the close
            } else {
                boolean historyFits = member.outbox.enqueue(Frame.of(codec.encode(history.after(resume))));
                member.state = Member.State.ADMITTED;
                roster.add(member);
                perAddress.add(member.clientAddress());
                overflowed = announce(Join.of(roster.size()));
                if (!historyFits) {
                    overflowed = Roster.plus(overflowed, member);
                }
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            refusal.refuse(member, config, metrics);
            return;
        }
        metrics.joined();
        LOG.info(() -> "opened " + member + " from " + member.remoteAddress() + ", " + roster.size() + " online");
        deliver(overflowed);
    }

    private boolean isOverItsAddressLimit(Member member) {
        return config.maxConnectionsPerAddress() > 0 && perAddress.of(member.clientAddress()) >= config.maxConnectionsPerAddress();
    }

    /**
     * Takes one part of a text message from the member, as the container delivers it: every part
     * shows the member alive; a message past {@code CHAT_MAX_FRAME} closes it with 1009; a whole
     * message counts against its rate, and is then said to everyone or refused to the member alone.
     */
    public void receive(Member member, String part, boolean last) {
        member.heard(System.nanoTime());
        MessageParts.Outcome outcome = member.parts.add(part, last);
        if (outcome == MessageParts.Outcome.TOO_BIG) {
            metrics.rejected(Rejection.TOO_BIG);
            evict(member, LeaveCause.TOO_BIG);
            return;
        }
        if (outcome == MessageParts.Outcome.INCOMPLETE || !withinRate(member)) {
            return;
        }
        try {
            say(member, codec.decode(member.parts.message()));
        } catch (InvalidMessageException invalid) {
            refuse(member, Rejection.of(invalid.kind()), invalid.getMessage());
        }
    }

    /** The member sent binary data, which the protocol has none of: closed with 1003 at its first part. */
    public void receiveBinary(Member member) {
        if (member.state != Member.State.GONE) {
            metrics.rejected(Rejection.BINARY);
            evict(member, LeaveCause.UNSUPPORTED_DATA);
        }
    }

    /**
     * A ping, pong or close frame arrived, as a transport that reads frames itself reports: it shows
     * the member alive and counts against its rate like a message. Over the rate nothing is refused
     * (the container answers pings itself), but far over it for ten seconds the member is closed
     * with 1008 as flooding.
     */
    public void receiveControl(Member member) {
        member.heard(System.nanoTime());
        if (member.rate.take() == RateLimiter.Verdict.FLOODING) {
            endFlood(member, "control frames");
        }
    }

    /** A pong arrived, or anything else that shows the member alive. */
    public void heard(Member member) {
        member.heard(System.nanoTime());
    }

    /** Hands a chat to the fanout to be numbered and delivered. Ignored unless the sender is admitted. */
    private void say(Member from, ChatRequest request) {
        long started = System.nanoTime();
        LOG.info(() -> "received from " + from.id() + ": " + LogSafe.text(request.text()));
        if (from.state != Member.State.ADMITTED) { // read without the lock: a chat racing a leave may go out, as if said just before
            return;
        }
        fanout.chat(request.name(), request.text(), clock.instant().truncatedTo(ChronoUnit.MILLIS));
        metrics.chatReceived(started);
    }

    /**
     * Counts one message against the member's rate. Over the rate, the member is told
     * {@code rate limited}; far over it for ten seconds, it is closed with 1008.
     */
    private boolean withinRate(Member member) {
        switch (member.rate.take()) {
            case ALLOWED:
                return true;
            case LIMITED:
                refuse(member, Rejection.RATE_LIMITED, "rate limited");
                return false;
            default:
                endFlood(member, "messages");
                return false;
        }
    }

    /** Closes a flooder with 1008; the frames it keeps sending until the close takes effect do nothing more. */
    private void endFlood(Member member, String what) {
        if (evict(member, LeaveCause.FLOODING)) {
            LOG.info(() -> member + " kept sending " + what + " over " + RateLimiter.FLOOD_FACTOR + " times the rate limit");
        }
    }

    /** Tells one member why its input was refused; nobody else hears of it. */
    private void refuse(Member to, Rejection rejection, String reason) {
        metrics.rejected(rejection);
        LOG.fine(() -> "refused input from " + to.id() + ": " + LogSafe.text(reason));
        if (to.outbox.enqueue(Frame.of(codec.encode(new Refusal(reason))))) {
            to.outbox.flush();
        } else {
            evictSlowConsumers(List.of(to));
        }
    }

    /**
     * The connection has ended or is ending; announces its leave unless that already happened.
     *
     * @return whether this call ended the membership (false if an earlier one had)
     */
    public boolean leave(Member member, LeaveCause cause) {
        Removal removal = remove(member, cause);
        if (!removal.overflowed().isEmpty()) {
            evictSlowConsumers(removal.overflowed());
        }
        return removal.removed();
    }

    /**
     * Removes the member now, then closes its connection with the cause's code without waiting
     * (unless the cause is the client's own close, which needs none).
     * Only the call that ends the membership closes: whatever ended it earlier (a leave, an
     * eviction, the room's shutdown) has the connection closing already, so a flood of frames
     * past the verdict, or an error after a failed send, never queues another close.
     *
     * @return whether this call ended the membership (false if an earlier one had)
     */
    public boolean evict(Member member, LeaveCause cause) {
        return evict(member, cause, cause.reason());
    }

    /** {@link #evict(Member, LeaveCause)} with a close reason of its own, such as the rule a frame broke. */
    public boolean evict(Member member, LeaveCause cause, String reason) {
        boolean removed = leave(member, cause);
        if (removed && cause.code() != 0) {
            closer.close(member, cause.code(), reason);
        }
        return removed;
    }

    /**
     * Shuts the room: refuses new members, sends every member what was already queued for it, then
     * closes it with 1001; a member that has not taken its frames within
     * {@value #SHUTDOWN_FLUSH_MILLIS} ms is closed regardless. Returns when the closes are written
     * (about a second later at most). Members leaving now are not announced to each other.
     */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Closes a room that never served (its server failed to start), without the shutdown line in
     * the log, which would say that a server was running.
     */
    public void closeUnused() {
        close(false);
    }

    private void close(boolean logShutdown) {
        Member[] everyone;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            everyone = roster.clear(); // which also stops Liveness: it pings and sweeps the roster
            perAddress.clear();
            for (Member member : everyone) {
                member.state = Member.State.GONE;
                member.outbox.seal();
            }
        } finally {
            lock.unlock();
        }
        metrics.left(LeaveCause.SHUTDOWN, everyone.length);
        if (logShutdown) {
            LOG.info(() -> "shutting down: flushing and closing " + everyone.length + " connections");
        }
        for (Member member : everyone) {
            LOG.info(() -> "closed " + member + " from " + member.remoteAddress() + ": shutdown");
            member.outbox.flush();
        }
        flusher.shutdown();
        closer.closeAll(everyone, LeaveCause.SHUTDOWN.code(), LeaveCause.SHUTDOWN.reason(), SHUTDOWN_FLUSH_MILLIS);
        fanout.close();
        timer.shutdownNow();
        pinger.shutdownNow();
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

    /** Starts the sends the last broadcast queued, then evicts who overflowed. Lock not held. */
    private void deliver(List<Member> overflowed) {
        flusher.flush();
        if (!overflowed.isEmpty()) {
            evictSlowConsumers(overflowed);
        }
    }

    /** A worklist, not recursion: each eviction's leave may overflow further members. */
    private void evictSlowConsumers(List<Member> overflowed) {
        ArrayDeque<Member> pending = new ArrayDeque<>(overflowed);
        while (!pending.isEmpty()) {
            Member member = pending.poll();
            LOG.info(() -> member + " is a slow consumer: its send queue exceeded "
                    + config.sendQueueBytes() + " bytes");
            pending.addAll(remove(member, LeaveCause.SLOW_CONSUMER).overflowed());
            closer.close(member, LeaveCause.SLOW_CONSUMER.code(), LeaveCause.SLOW_CONSUMER.reason());
        }
    }

    /** Whether a removal took the member out, and who overflowed on the announcement of its leave. */
    private record Removal(boolean removed, List<Member> overflowed) {
        static final Removal NONE = new Removal(false, List.of());
    }

    /** Takes the member out and announces it. */
    private Removal remove(Member member, LeaveCause cause) {
        int online;
        List<Member> overflowed;
        lock.lock();
        try {
            if (member.state == Member.State.GONE) {
                return Removal.NONE;
            }
            boolean wasAdmitted = member.state == Member.State.ADMITTED;
            member.state = Member.State.GONE;
            member.outbox.close();
            if (!wasAdmitted) {
                return new Removal(true, List.of());
            }
            metrics.left(cause, 1); // before the count drops, so that a count of 0 means every leave is counted
            roster.remove(member);
            perAddress.remove(member.clientAddress());
            overflowed = announce(Leave.of(roster.size()));
            online = roster.size();
        } finally {
            lock.unlock();
        }
        LOG.info(() -> "closed " + member + " from " + member.remoteAddress() + ": " + cause.name().toLowerCase(Locale.ROOT)
                + ", " + online + " online");
        flusher.flush();
        return new Removal(true, overflowed);
    }

    /** The room's side of the seam: what its fanout delivers comes in here. */
    private final class Members implements Audience {

        @Override
        public void deliver(ServerEvent event) {
            List<Member> overflowed;
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (event instanceof ServerEvent.Chat chat) {
                    history.keep(chat);
                }
                overflowed = queue(event);
            } finally {
                lock.unlock();
            }
            flusher.flushElsewhere(); // a fanout's thread goes back to its cluster while members are written to
            if (!overflowed.isEmpty()) {
                evictSlowConsumers(overflowed);
            }
        }

        @Override
        public ServerEvent.Chat deliverNew(String name, String text, Instant time) {
            ServerEvent.Chat chat;
            List<Member> overflowed;
            lock.lock();
            try {
                if (closed) {
                    return null;
                }
                chat = history.append(name, text, time);
                overflowed = queue(chat);
            } finally {
                lock.unlock();
            }
            ChatRoom.this.deliver(overflowed); // on the sender's thread, which may find other chats to send with it
            return chat;
        }

        @Override
        public void adopt(String epoch, List<ServerEvent.Chat> recent, long after) {
            Set<Member> overflowed = new LinkedHashSet<>(); // a member may overflow on several chats
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                for (ServerEvent.Chat chat : recent) {
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
                evictSlowConsumers(List.copyOf(overflowed));
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
    }
}
