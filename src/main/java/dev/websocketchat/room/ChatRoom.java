package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.log.LogThrottle;
import dev.websocketchat.protocol.ClientRequest;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent.Moderation;
import dev.websocketchat.protocol.ServerEvent.Typing;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat room: what its connections do to it, and how each of them ends. The shared state
 * and its ordering guarantees live in {@link Members}; what a connection sends is judged by
 * {@link Intake}; a chat goes to the room's {@link Fanout} to be numbered, and comes back, with
 * everything else to deliver, through the members (the fanout's {@link Audience}). The room does
 * the same whether the fanout is this process alone or a cluster.
 *
 * <p>Never blocking on a peer: nothing here calls into a container with the lock held. Closes,
 * which may block, run on the {@link Closer}'s threads. A member whose queue overflows is removed
 * at once (its leave is announced) and closed with 1013.
 *
 * <p>Exactly one leave per connection: {@link #leave} is idempotent, so the container reporting
 * an error and then a close, or the room evicting a member the container closes later, still
 * announces one leave.
 */
public final class ChatRoom {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());

    static final long SHUTDOWN_FLUSH_MILLIS = 2000;
    /** At most one typing notice per connection this often; more are dropped without a word. */
    public static final long TYPING_MILLIS = 2000;

    private final String name;
    private final RoomServices services;
    private final ChatConfig config;
    private final Fanout fanout;
    private final Meters meters;
    private final Members members;
    private final Intake intake;
    private final Runnable stopLiveness;
    /** The client address whose connection opened the room, which its rooms budget counts until the room is dropped; null for the lobby. */
    private final String openedBy;

    /**
     * A room of a server: {@link Rooms} makes them. The room starts the fanout, and closes it when it closes.
     *
     * @param openedBy the client address that opened it, or null (the lobby)
     */
    ChatRoom(String name, RoomServices services, Fanout fanout, String openedBy) {
        this.name = name;
        this.openedBy = openedBy;
        this.services = services;
        this.config = services.config;
        this.fanout = fanout;
        this.meters = services.meters;
        this.members = new Members(services, fanout, this::evictSlowConsumers, this::evict);
        this.intake = new Intake(this, members, services);
        Roster roster = members.roster();
        this.stopLiveness = new Liveness(config, services.logs, roster::members, idle -> evict(idle, LeaveCause.IDLE))
                .start(services.timer, services.pinger);
        fanout.start(members); // last: a cluster's fanout may deliver from its own threads at once
    }

    /** The room's name, as in {@code /chat/{room}}; {@value Rooms#LOBBY} for {@code /chat}. */
    public String name() {
        return name;
    }

    public ChatConfig config() {
        return config;
    }

    /** The throttle for the log lines a client can cause, which the room's endpoints log theirs through too. */
    public LogThrottle logs() {
        return services.logs;
    }

    /** What the room counts; its endpoints count what they see there too. */
    public Meters metrics() {
        return meters;
    }

    /** Connections to this room admitted here and not yet gone. */
    public int online() {
        return members.roster().size();
    }

    /** The count clients are told: the cluster's when there is one, otherwise {@link #online()}. */
    public int chatOnline() {
        return fanout.online(online());
    }

    /** Whether the room is clustered but cannot reach the cluster, so serves only its own members. */
    public boolean degraded() {
        return fanout.degraded();
    }

    /** Bytes queued or in flight to the room's members. */
    long queuedBytes() {
        return members.roster().queuedBytes();
    }

    /** The client address that opened the room, or null for the lobby. */
    String openedBy() {
        return openedBy;
    }

    /** Heap bytes the room's history holds. */
    long historyBytes() {
        return members.historyBytes();
    }

    /** Drops the room's oldest chats until at least that many heap bytes are freed: the server's history budget. The bytes freed. */
    long dropHistory(long atLeast) {
        return members.dropHistory(atLeast);
    }

    /** Everyone admitted now. */
    Member[] admitted() {
        return members.roster().members();
    }

    /**
     * Evicts the member as a slow consumer (1013) because all connections together hold more than
     * the server's queue budget and it holds the most: see {@link MemoryBudget}.
     */
    void evictOverBudget(Member member, long queued) {
        if (evict(member, LeaveCause.SLOW_CONSUMER)) {
            services.logs.log(LOG, Level.INFO, "over_budget", member.clientAddress(), () -> member + " had " + queued
                    + " bytes queued, the most of any connection, when all connections together passed the server's budget");
        }
    }

    /** The epoch of the room's history; see {@link dev.websocketchat.protocol.ServerEvent.History}. */
    String epoch() {
        return members.position().epoch();
    }

    /**
     * Registers a new connection without announcing it; {@link #admit} does that.
     *
     * @param remoteAddress where it came from, for the logs
     * @param clientAddress the client's IP address, which {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} counts
     * @param person        who it is: its name, already cleaned ({@link dev.websocketchat.protocol.EventCodec#name}), and its user if verified
     */
    Member connect(Peer peer, String remoteAddress, String clientAddress, Person person) {
        meters.connected(peer.writesFrames());
        members.arrived();
        return new Member(this, services.lastMemberId.incrementAndGet(), person, remoteAddress, clientAddress, peer, config,
                services.budget, (member, failure) -> {
                    // A send fails as a matter of course when the peer closes or resets meanwhile.
                    LOG.log(Level.FINE, failure, () -> "send to " + member + " failed");
                    evict(member, member.peer.isOpen() ? LeaveCause.SEND_FAILED : LeaveCause.CLOSED);
                },
                meters::delivered, System.nanoTime());
    }

    /**
     * Sends the member the chats after its resume point (all recent chats for {@link Resume#NONE}),
     * then announces it to everyone, itself included. With {@code CHAT_MAX_CONNECTIONS} members
     * already in, or {@code CHAT_MAX_CONNECTIONS_PER_ADDRESS} from its address (1013), or once the
     * room is shut (1001), it is closed instead, before any event, and never counted. A member
     * that already left is neither admitted nor refused.
     */
    public void admit(Member member, Resume resume) {
        Members.Admission admission = members.admit(member, resume);
        if (admission == null) {
            return;
        }
        if (admission.refusal() != null) {
            admission.refusal().refuse(member, config, meters, services.logs);
            return;
        }
        meters.joined();
        services.logs.log(LOG, Level.INFO, "opened", member.clientAddress(),
                () -> "opened " + member + " from " + member.from() + " in " + name + ", " + admission.online() + " online");
        members.sendQueued(admission.overflowed());
    }

    /** Takes one part of a text message from the member, as the container delivers it; see {@link Intake}. */
    public void receive(Member member, String part, boolean last) {
        intake.text(member, part, last);
    }

    /** The member sent binary data, which the protocol has none of: closed with 1003 at its first part. */
    public void receiveBinary(Member member) {
        intake.binary(member);
    }

    /**
     * A ping, pong or close frame arrived, as a transport that reads frames itself reports: it
     * shows the member alive and counts against its rate; a flood of them is closed with 1008.
     */
    public void receiveControl(Member member) {
        intake.control(member);
    }

    /** A pong arrived, or anything else that shows the member alive. */
    public void heard(Member member) {
        member.heard(System.nanoTime());
    }

    /**
     * Hands a chat to the fanout to be numbered and delivered, under the name it carries or else its
     * sender's. Ignored unless the sender is admitted.
     *
     * @return false if the fanout refused it (a cluster out of reach that holds all it can)
     */
    boolean say(Member from, ClientRequest.Chat request) {
        long started = System.nanoTime();
        // Every chat is logged, as the tutorial did, within the log throttle's lines per address.
        services.logs.log(LOG, Level.INFO, "received", from.clientAddress(),
                () -> "received from " + from.id() + ": " + LogSafe.text(request.text()));
        Member.State state = from.state; // without the lock: a chat racing its sender's leave goes out as if said just before
        if (state != Member.State.ADMITTED && state != Member.State.JOINING) {
            return true;
        }
        String name = request.name() != null && from.user == null ? request.name() : from.name; // a verified name is fixed
        Instant time = services.clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (!fanout.chat(new Draft(from, name, from.user, request.text(), time, request.cid()))) {
            return false;
        }
        meters.chatReceived(started);
        return true;
    }

    /**
     * Tells everyone else in the room, on every instance, that the member is typing, unless it did
     * within {@value #TYPING_MILLIS} ms; never logged, never kept.
     */
    void typing(Member member) {
        if (member.state == Member.State.ADMITTED && member.typingDue(System.nanoTime())) {
            fanout.typing(new Typing(member.name), member.id());
        }
    }

    /**
     * A moderator's kick, ban or mute of a verified user or a guest in this room, through the
     * fanout to every instance ({@link Audience#moderated}): recorded, announced to everyone in
     * the room (the target too), and a kick's or ban's target closed with 4403 once it has read
     * it. Bans and mutes last for their {@code seconds} (see {@link Sanctions}).
     *
     * @return why it is refused (someone who does not moderate, or a cluster out of reach), or null
     */
    Rejection moderate(Member by, ClientRequest.Moderate request) {
        if (!by.moderator || by.state != Member.State.ADMITTED) {
            return Rejection.NOT_MODERATOR;
        }
        Instant until = request.seconds() == 0 || request.action().equals("kick") ? null
                : services.clock.instant().plusSeconds(request.seconds()).truncatedTo(ChronoUnit.SECONDS);
        if (!fanout.moderate(new Moderation(request.action(), request.user(), request.name(), by.name, until))) {
            return Rejection.CLUSTER_UNREACHABLE;
        }
        services.logs.log(LOG, Level.INFO, "moderated", by.clientAddress(), () -> by + " (a moderator) did " + request.action() + " "
                + (request.user() != null ? "user " + LogSafe.text(request.user(), 64) : "guest " + LogSafe.text(request.name()))
                + " in " + name + " for " + request.seconds() + " s");
        return null;
    }

    /**
     * Whether the guest may not take the name, for itself or for a chat: a verified user in the
     * room holds it. Never for a verified member, whose name is its own, nor with identity off.
     */
    boolean nameHeld(Member member, String name) {
        return member.user == null && name != null && !config.auth().equals("off") && members.heldByVerified(name);
    }

    /** Gives the member a new name, announced to the room; see {@link Members#rename}. */
    void rename(Member member, String newName) {
        services.logs.log(LOG, Level.INFO, "renamed", member.clientAddress(),
                () -> member + " asked to be called " + LogSafe.text(newName));
        List<Member> overflowed = members.rename(member, newName);
        members.sendQueued(overflowed);
    }

    /**
     * The connection has ended or is ending; announces its leave unless that already happened.
     *
     * @return whether this call ended the membership (false if an earlier one had)
     */
    public boolean leave(Member member, LeaveCause cause) {
        Members.Removal removal = remove(member, cause);
        if (!removal.overflowed().isEmpty()) {
            evictSlowConsumers(removal.overflowed());
        }
        return removal.removed();
    }

    /**
     * Removes the member now, then closes its connection with the cause's code without waiting
     * (unless the cause is the client's own ending, which needs none). Only the call that ends
     * the membership closes: whatever ended it earlier (a leave, an eviction, the room's
     * shutdown) has the connection closing already, so a flood of frames past the verdict, or an
     * error after a failed send, never queues another close.
     *
     * @return whether this call ended the membership (false if an earlier one had)
     */
    public boolean evict(Member member, LeaveCause cause) {
        return evict(member, cause, cause.reason());
    }

    /** {@link #evict(Member, LeaveCause)} with a close reason of its own, such as the rule a frame broke. */
    public boolean evict(Member member, LeaveCause cause, String reason) {
        return evict(member, cause, cause.code(), reason);
    }

    /**
     * {@link #evict(Member, LeaveCause, String)} with a close code of its own: 1007 for text that
     * is not UTF-8, which is counted as a {@link LeaveCause#PROTOCOL_ERROR} like the 1002s.
     */
    public boolean evict(Member member, LeaveCause cause, int code, String reason) {
        boolean removed = leave(member, cause);
        if (removed && code != 0) {
            services.closer.close(member, code, reason);
        }
        return removed;
    }

    /**
     * The first step of a shutdown: refuses new members from now on; returns who was in, for the
     * caller to {@linkplain #flushOut flush out} and close, or null if the room was shut already.
     */
    Member[] seal() {
        Member[] everyone = members.closeAll();
        if (everyone == null) {
            return null;
        }
        stopLiveness.run();
        meters.left(LeaveCause.SHUTDOWN, everyone.length);
        return everyone;
    }

    /** The second: starts sending each member what is queued for it, and logs its close. */
    void flushOut(Member[] everyone) {
        for (Member member : everyone) {
            LOG.info(() -> "closed " + member + " from " + member.remoteAddress() + ": shutdown");
            member.outbox.flush();
        }
    }

    /** The last: withdraws from the fanout. */
    void withdraw() {
        fanout.close();
    }

    /**
     * Closes the room if it is empty, nobody is on the way in, and nothing has happened in it for
     * {@code CHAT_ROOM_IDLE_SECONDS}: the registry's clean-up, which then {@linkplain #withdraw withdraws} it. Whether it did.
     */
    boolean retireIfQuiet(long nowNanos) {
        if (!members.retireIfQuiet(nowNanos, TimeUnit.SECONDS.toNanos(config.roomIdleSeconds()))) {
            return false;
        }
        stopLiveness.run();
        return true;
    }

    /** A worklist, not recursion: each eviction's leave may overflow further members. */
    void evictSlowConsumers(List<Member> overflowed) {
        ArrayDeque<Member> pending = new ArrayDeque<>(overflowed);
        while (!pending.isEmpty()) {
            Member member = pending.poll();
            services.logs.log(LOG, Level.INFO, "slow_consumer", member.clientAddress(),
                    () -> member + " is a slow consumer: its send queue exceeded " + config.sendQueueBytes() + " bytes");
            pending.addAll(remove(member, LeaveCause.SLOW_CONSUMER).overflowed());
            services.closer.close(member, LeaveCause.SLOW_CONSUMER.code(), LeaveCause.SLOW_CONSUMER.reason());
        }
    }

    /** Takes the member out; if it was admitted, logs its leave and starts the sends that announce it. */
    private Members.Removal remove(Member member, LeaveCause cause) {
        Members.Removal removal = members.remove(member, cause);
        if (removal.online() >= 0) {
            services.logs.log(LOG, Level.INFO, "closed", member.clientAddress(), () -> "closed " + member + " from " + member.from()
                    + " in " + name + ": " + cause.name().toLowerCase(Locale.ROOT) + ", " + removal.online() + " online");
            members.sendQueued(List.of());
        }
        return removal;
    }
}
