package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.ChatRequest;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import dev.websocketchat.protocol.ServerEvent.Chat;
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
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one owner of shared chat state: who is connected, the count, the history and the chat ids.
 *
 * <p>Ordering: one lock serialises every change of membership and every broadcast, and inside it
 * an event is encoded once and appended to every member's {@link Outbox}. So ids increase in
 * broadcast order, every member sees the same order, a newcomer gets each chat either in its
 * history or live (never both, never neither), and {@code online} is exact.
 *
 * <p>Never blocking on a peer: the lock is held only to enqueue, never while calling into the
 * container. Sends start after it is released (through the {@link Flusher}), and closes, which may
 * block, run on the {@link Closer}'s threads. A member whose queue overflows is removed at once
 * (its leave is announced) and closed with 1013.
 *
 * <p>Exactly one leave per connection: {@link #leave} is idempotent, so the container reporting
 * an error and then a close, or the room evicting a member the container closes later, still
 * announces one leave.
 *
 * <p>Cluster mode: with a {@link Relay} that is up, chats and counts are published to Redis
 * instead of announced here, and come back through {@link #relayChat} and {@link #relayPresence}
 * in the cluster's one order; the room then only keeps its members, their queues and a mirror of
 * the shared history. While the relay is down, the room announces to its own members as above.
 */
public final class ChatRoom implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());
    private static final long SHUTDOWN_FLUSH_MILLIS = 2000;

    private final ChatConfig config;
    private final EventCodec codec;
    private final Clock clock;
    private final AtomicLong lastMemberId = new AtomicLong();
    private final ScheduledExecutorService timer = DaemonThreads.timer("chat-timer");
    private final ScheduledExecutorService pinger = DaemonThreads.timer("chat-ping");
    private final Closer closer = new Closer(timer);

    private final ReentrantLock lock = new ReentrantLock();
    private final Roster roster = new Roster();
    private final AddressCount perAddress = new AddressCount();
    private final Flusher flusher = new Flusher(roster::members);
    private final ChatMetrics metrics = new ChatMetrics(roster::size, roster::queuedBytes);
    private final ChatHistory history;
    private boolean closed;
    private volatile Relay relay = Relay.NONE;
    /** The highest id delivered from the relay; -1 until the first {@link #resync}. Guarded by the lock. */
    private long lastRelayedId = -1;

    public ChatRoom(ChatConfig config) {
        this(config, Clock.systemUTC());
    }

    ChatRoom(ChatConfig config, Clock clock) {
        this.config = config;
        this.codec = new EventCodec(config.maxText());
        this.clock = clock;
        this.history = new ChatHistory(config.history());
        new Liveness(config, roster::members, idle -> evict(idle, LeaveCause.IDLE, 1001, "idle timeout")).start(timer, pinger);
    }

    public ChatConfig config() {
        return config;
    }

    public EventCodec codec() {
        return codec;
    }

    /** Connections to this room admitted and not yet gone. */
    public int online() {
        return roster.size();
    }

    /** The count clients are told: the cluster's while the relay is up, otherwise {@link #online()}. */
    public int chatOnline() {
        Relay current = relay;
        return current.isUp() ? current.online() : roster.size();
    }

    public ChatMetrics metrics() {
        return metrics;
    }

    /** Joins the room to a cluster; called once, before it serves anyone. The room closes the relay when it closes. */
    public void relayThrough(Relay clusterRelay) {
        relay = clusterRelay;
    }

    /** Whether the room is clustered but cannot reach the cluster, so serves only its own members. */
    public boolean degraded() {
        Relay current = relay;
        return current != Relay.NONE && !current.isUp();
    }

    /**
     * Registers a new connection without announcing it; {@link #admit} does that.
     *
     * @param remoteAddress where it came from, for the logs
     * @param clientAddress the client's IP address, which {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} counts
     */
    public Member connect(Peer peer, String remoteAddress, String clientAddress) {
        metrics.connected(peer);
        return new Member(lastMemberId.incrementAndGet(), remoteAddress, clientAddress, peer, config.sendQueueBytes(),
                new RateLimiter(config.rateLimit(), config.rateBurst(), System::nanoTime),
                (member, failure) -> {
                    // A send fails as a matter of course when the peer closes or resets meanwhile.
                    LeaveCause cause = member.peer.isOpen() ? LeaveCause.SEND_FAILED : LeaveCause.CLOSED;
                    LOG.log(Level.FINE, failure, () -> "send to " + member + " failed");
                    evict(member, cause, 1011, "send failed");
                },
                metrics::delivered, System.nanoTime());
    }

    /** Names this run of the room; see {@link ServerEvent.History}. */
    public String epoch() {
        return history.epoch();
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

    /** Why a connection is turned away at admission. */
    private enum TurnedAway { SHUTTING_DOWN, SERVER_FULL, ADDRESS_FULL }

    /**
     * Sends the member the chats after its resume point (all recent chats for {@link Resume#NONE}),
     * then announces it to everyone, itself included. With {@code CHAT_MAX_CONNECTIONS} members
     * already in, or {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} from its address (1013), or once the
     * room is shut (1001), it is closed instead, before any event, and never counted. A member
     * that already left is neither admitted nor refused.
     */
    public void admit(Member member, Resume resume) {
        int online = 0;
        List<Member> overflowed = List.of();
        TurnedAway refusal = null;
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
                online = roster.size();
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            refuseConnection(member, refusal);
            return;
        }
        metrics.joined();
        int admitted = online;
        LOG.info(() -> "opened " + member + " from " + member.remoteAddress() + ", " + admitted + " online");
        deliver(overflowed);
    }

    private boolean isOverItsAddressLimit(Member member) {
        return config.maxConnectionsPerAddress() > 0 && perAddress.of(member.clientAddress()) >= config.maxConnectionsPerAddress();
    }

    /** Nothing was ever sent to the member, so the close has nothing to wait for and is done here. */
    private void refuseConnection(Member member, TurnedAway refusal) {
        switch (refusal) {
            case SERVER_FULL -> {
                metrics.rejected(ChatMetrics.Rejection.SERVER_FULL);
                LOG.info(() -> "refused " + member + " from " + member.remoteAddress() + ": "
                        + config.maxConnections() + " connections are the limit");
                member.peer.close(1013, "server full");
            }
            case ADDRESS_FULL -> {
                metrics.rejected(ChatMetrics.Rejection.ADDRESS_FULL);
                LOG.info(() -> "refused " + member + " from " + member.remoteAddress() + ": "
                        + config.maxConnectionsPerAddress() + " connections from " + member.clientAddress() + " are the limit");
                member.peer.close(1013, "too many connections from your address");
            }
            case SHUTTING_DOWN -> member.peer.close(1001, "server shutting down");
        }
    }

    /** Broadcasts a chat to every member, the sender included. Ignored unless the sender is admitted. */
    public void say(Member from, ChatRequest request) {
        long started = System.nanoTime();
        LOG.info(() -> "received from " + from.id() + ": " + LogSafe.text(request.text()));
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Member> overflowed = List.of();
        boolean relayed;
        lock.lock();
        try {
            if (from.state != Member.State.ADMITTED) {
                return;
            }
            relayed = relay.isUp();
            if (!relayed) {
                overflowed = queue(history.append(request.name(), request.text(), time));
            }
        } finally {
            lock.unlock();
        }
        if (relayed) {
            relay.publishChat(request.name(), request.text(), time);
        } else {
            deliver(overflowed);
        }
        metrics.chatReceived(started);
    }

    /**
     * Numbers a chat here and delivers it to this instance's members only: what a clustered room
     * does with a chat its relay could not publish.
     */
    public void sayHere(String name, String text, Instant time) {
        broadcast(() -> history.append(name, text, time));
    }

    /** Delivers a chat the cluster numbered, unless it was already (a resync and the live feed may both bring it). */
    public void relayChat(Chat chat) {
        broadcast(() -> {
            if (chat.id() <= lastRelayedId) {
                return null;
            }
            lastRelayedId = chat.id();
            history.keep(chat);
            return chat;
        });
    }

    /** Delivers a join or leave carrying the cluster-wide count. */
    public void relayPresence(ServerEvent presence) {
        broadcast(() -> presence);
    }

    /**
     * After the relay (re)connects: takes the cluster's epoch and shared history (oldest first),
     * and delivers the chats in it that this instance missed while away; none on the first call.
     */
    public void resync(String epoch, List<Chat> shared) {
        Set<Member> overflowed = new LinkedHashSet<>(); // a member may overflow on several chats
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (Chat chat : shared) {
                if (lastRelayedId >= 0 && chat.id() > lastRelayedId) {
                    overflowed.addAll(queue(chat));
                }
            }
            lastRelayedId = Math.max(lastRelayedId, shared.isEmpty() ? 0 : shared.get(shared.size() - 1).id());
            history.replace(epoch, shared);
        } finally {
            lock.unlock();
        }
        deliver(List.copyOf(overflowed));
    }

    /** The highest chat id this room has given or delivered, which the cluster's numbering must pass. */
    public long lastChatId() {
        lock.lock();
        try {
            return history.lastId();
        } finally {
            lock.unlock();
        }
    }

    /** Publishes this room's count of connections again, so the cluster's stays exact; the relay calls it periodically. */
    public void reportPresence() {
        lock.lock();
        try {
            if (!closed) {
                relay.publishPresence(roster.size(), null);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Counts one incoming message against the member's rate. Over the rate, the member is told
     * {@code rate limited}; far over it for ten seconds, it is closed with 1008.
     *
     * @return whether the message may be handled
     */
    public boolean withinRate(Member member) {
        switch (member.rate.take()) {
            case ALLOWED:
                return true;
            case LIMITED:
                refuse(member, ChatMetrics.Rejection.RATE_LIMITED, "rate limited");
                return false;
            default:
                endFlood(member, "messages");
                return false;
        }
    }

    /**
     * Counts one control frame (ping, pong, close) against the member's rate, like a message:
     * over the rate nothing is refused (the container answers pings itself), but far over it for
     * ten seconds the member is closed with 1008 as flooding.
     */
    public void withinControlRate(Member member) {
        if (member.rate.take() == RateLimiter.Verdict.FLOODING) {
            endFlood(member, "control frames");
        }
    }

    /** Closes a flooder with 1008; the frames it keeps sending until the close takes effect do nothing more. */
    private void endFlood(Member member, String what) {
        if (evict(member, LeaveCause.FLOODING, 1008, "flooding")) {
            LOG.info(() -> member + " kept sending " + what + " over " + RateLimiter.FLOOD_FACTOR + " times the rate limit");
        }
    }

    /** Tells one member why its input was refused; nobody else hears of it. */
    public void refuse(Member to, InvalidMessageException invalid) {
        refuse(to, ChatMetrics.Rejection.valueOf(invalid.kind().name()), invalid.getMessage());
    }

    private void refuse(Member to, ChatMetrics.Rejection rejection, String reason) {
        metrics.rejected(rejection);
        LOG.fine(() -> "refused input from " + to.id() + ": " + LogSafe.text(reason));
        if (to.outbox.enqueue(Frame.of(codec.encode(new Refusal(reason))))) {
            to.outbox.flush();
        } else {
            evictSlowConsumers(List.of(to));
        }
    }

    /** Records that something (a message or a pong) arrived from the member. */
    public void heard(Member member) {
        member.heard(System.nanoTime());
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
     * Removes the member now, then closes its connection with the given code without waiting.
     * Only the call that ends the membership closes: whatever ended it earlier (a leave, an
     * eviction, the room's shutdown) has the connection closing already, so a flood of frames
     * past the verdict, or an error after a failed send, never queues another close.
     *
     * @return whether this call ended the membership (false if an earlier one had)
     */
    public boolean evict(Member member, LeaveCause cause, int code, String reason) {
        boolean removed = leave(member, cause);
        if (removed) {
            closer.close(member, code, reason);
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
        closer.closeAll(everyone, 1001, "server shutting down", SHUTDOWN_FLUSH_MILLIS);
        relay.close();
        timer.shutdownNow();
        pinger.shutdownNow();
    }

    /**
     * Makes an event with the lock held (the maker may change state, or return null for nothing to
     * send), queues it for every member, then delivers it; nothing once the room is closed. For
     * the relay's threads, which broadcast one event after another on their own: the sends start
     * on the flusher's thread.
     */
    private void broadcast(Supplier<ServerEvent> maker) {
        List<Member> overflowed;
        lock.lock();
        try {
            ServerEvent event = closed ? null : maker.get();
            if (event == null) {
                return;
            }
            overflowed = queue(event);
        } finally {
            lock.unlock();
        }
        flusher.flushElsewhere(); // the relay's thread goes back to reading Redis while members are written to
        if (!overflowed.isEmpty()) {
            evictSlowConsumers(overflowed);
        }
    }

    /** Queues the event for every member. Lock held. */
    private List<Member> queue(ServerEvent event) {
        return roster.enqueue(Frame.of(codec.encode(event)));
    }

    /** Queues a join or leave here, or publishes the new count while the relay is up. Lock held. */
    private List<Member> announce(ServerEvent presence) {
        Relay current = relay;
        if (current.isUp()) {
            current.publishPresence(roster.size(), presence);
            return List.of();
        }
        return queue(presence);
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
            closer.close(member, 1013, "slow consumer");
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
            roster.remove(member);
            perAddress.remove(member.clientAddress());
            overflowed = announce(Leave.of(roster.size()));
            online = roster.size();
        } finally {
            lock.unlock();
        }
        metrics.left(cause, 1);
        LOG.info(() -> "closed " + member + " from " + member.remoteAddress() + ": " + cause.name().toLowerCase(Locale.ROOT)
                + ", " + online + " online");
        flusher.flush();
        return new Removal(true, overflowed);
    }
}
