package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;

import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * One connection as the room knows it. Created by {@link ChatRoom#connect}, it is
 * {@code PENDING} until admitted, then {@code ADMITTED}, then {@code GONE} for good; in a cluster,
 * {@code JOINING} between the first two, while its join goes round the cluster (counted, and free
 * to chat, but sent nothing yet). The state is guarded by the room's lock, so admission and
 * leaving each happen at most once.
 */
public final class Member {

    enum State { PENDING, JOINING, ADMITTED, GONE }

    private final ChatRoom room;
    private final long id;
    private final String remoteAddress;
    private final String clientAddress;
    private final String addressKey;
    final Peer peer;
    final Outbox outbox;
    final RateLimiter rate;
    /** The message arriving in parts; only the connection's own callbacks touch it, one at a time. */
    final MessageParts parts;
    /** Written with the room's lock held; volatile so that a chat can be checked for without it. */
    volatile State state = State.PENDING;
    /** The name its chats go under unless they carry one, and that the room's list shows; written with the room's lock held. */
    volatile String name;
    /**
     * The id of the user it proved it is ({@code sub}), which every event about it carries, and
     * which fixes its name; null for a guest, whose name is its own to choose.
     */
    final String user;
    /** Whether it moderates every room (a verified user with the moderator role). */
    final boolean moderator;
    /** When a moderator's mute of it ends ({@link System#nanoTime}); 0 if it is not muted. Written with the room's lock held. */
    volatile long mutedUntilNanos;
    /** How it proves again who it is before its proof ends; null if it cannot (a guest, or the container's login). */
    private volatile Renewal renewal;
    private volatile long lastHeardNanos;
    /** When its last typing notice went out; only the connection's own callbacks touch it, one at a time. */
    private volatile long typedNanos;

    Member(ChatRoom room, long id, Person person, String remoteAddress, String clientAddress, Peer peer, ChatConfig config,
           MemoryBudget budget, BiConsumer<Member, Throwable> onSendFailure, IntConsumer onDelivered, long nowNanos) {
        this.room = room;
        this.id = id;
        this.name = person.name();
        this.user = person.user();
        this.moderator = person.moderator();
        this.remoteAddress = remoteAddress;
        this.clientAddress = clientAddress;
        this.addressKey = AddressBudgets.key(clientAddress);
        this.peer = peer;
        this.rate = new RateLimiter(config.rateLimit(), config.rateBurst(), System::nanoTime);
        this.parts = new MessageParts(config.maxFrame());
        this.outbox = new Outbox(peer, config.sendQueueBytes(), budget, failure -> onSendFailure.accept(this, failure), onDelivered);
        this.lastHeardNanos = nowNanos;
        this.typedNanos = nowNanos - TimeUnit.MILLISECONDS.toNanos(ChatRoom.TYPING_MILLIS);
    }

    /** Whether a typing notice from it goes out now: at most one every {@value ChatRoom#TYPING_MILLIS} ms. */
    boolean typingDue(long nowNanos) {
        if (nowNanos - typedNanos < TimeUnit.MILLISECONDS.toNanos(ChatRoom.TYPING_MILLIS)) {
            return false;
        }
        typedNanos = nowNanos;
        return true;
    }

    /** Sets how a verified member proves again who it is (a fresh token in an {@code auth} frame). */
    public void renewWith(Renewal renewal) {
        this.renewal = renewal;
    }

    Renewal renewal() {
        return renewal;
    }

    /** The connection ended: stops watching its proof's end ({@link Renewal#end}). */
    public void endRenewal() {
        Renewal current = renewal;
        if (current != null) {
            current.end();
        }
    }

    /** The room it connected to, for good. */
    public ChatRoom room() {
        return room;
    }

    /** Small positive number, unique within the server, used in logs. */
    public long id() {
        return id;
    }

    /** Where the client connected from, as well as the container could tell; for logs. */
    public String remoteAddress() {
        return remoteAddress;
    }

    /** The client's IP address (behind a trusted proxy, the one it forwarded), which the per-address limit counts. */
    public String clientAddress() {
        return clientAddress;
    }

    /**
     * What every per-address limit counts it under: its client address, an IPv6 one by its /64
     * (one subscriber's usual share), worked out once rather than for each message.
     */
    String addressKey() {
        return addressKey;
    }

    /**
     * Where it came from, for a log line: the remote address, and behind a trusted proxy the client
     * it forwarded too ({@code 203.0.113.7 via 10.0.0.2:41234}).
     */
    public String from() {
        return remoteAddress.equals(clientAddress) || remoteAddress.startsWith(clientAddress + ":")
                || remoteAddress.startsWith("[" + clientAddress + "]")
                ? remoteAddress : LogSafe.text(clientAddress, 45) + " via " + remoteAddress;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    @Override
    public String toString() {
        return "connection " + id;
    }
}
