package dev.websocketchat.room;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Moderation;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import dev.websocketchat.protocol.Utf8;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
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
    /** This instance's connections by name: what a cluster is told ({@link Fanout#recount}). */
    private final NameCounts here = new NameCounts();
    /** Everyone in the room by name, on every instance: what a newcomer is listed; follows every join, leave and rename delivered. */
    private final NameCounts everyone = new NameCounts();
    /** Members whose join goes round the cluster, by id, with where their history starts. */
    private final Map<Long, Joining> joining = new HashMap<>();
    private final Flusher flusher;
    private final ChatConfig config;
    private final EventCodec codec;
    private final Capacity capacity;
    private final ChatHistory history;
    private final Fanout fanout;
    private final Meters meters;
    private final MemoryBudget budget;
    private final Consumer<List<Member>> slowConsumers;
    /** The room's bans and mutes. */
    private final Sanctions sanctions = new Sanctions();
    private final BiConsumer<Member, LeaveCause> evictor;
    private final java.time.Clock clock;
    private record Joining(Member member, Resume resume) {
    }

    /** Connected and neither admitted nor gone yet: a room with any is not {@linkplain #retireIfQuiet quiet}. */
    private int pending;
    /** When the room last had a chat or a leave (nanoTime), for {@link #retireIfQuiet}. */
    private long lastEventNanos = System.nanoTime();
    private boolean closed;

    /**
     * @param slowConsumers evicts the members a delivery overflowed; called without the lock
     * @param evictor       closes a member for a cause (a moderator's kick or ban); called without the lock
     */
    Members(RoomServices services, Fanout fanout, Consumer<List<Member>> slowConsumers, BiConsumer<Member, LeaveCause> evictor) {
        this.config = services.config;
        this.codec = services.codec;
        this.capacity = services.capacity;
        this.meters = services.meters;
        this.budget = services.budget;
        this.history = new ChatHistory(config.history(), budget);
        this.flusher = new Flusher(roster::members, services.flushing);
        this.fanout = fanout;
        this.slowConsumers = slowConsumers;
        this.evictor = evictor;
        this.clock = services.clock;
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
     * lists everyone in the room, itself included; its join, to everyone, follows it. In a cluster
     * both wait until the cluster has numbered the join ({@link #admitted}), so that the list and
     * the joins and leaves after it agree.
     */
    Admission admit(Member member, Resume resume) {
        lock.lock();
        try {
            if (member.state != Member.State.PENDING) {
                return null;
            }
            pending--;
            long now = System.nanoTime();
            TurnedAway refusal = closed ? TurnedAway.SHUTTING_DOWN
                    : sanctions.banned(member, now) ? TurnedAway.BANNED : capacity.take(member.addressKey());
            member.mutedUntilNanos = sanctions.mutedUntil(member, now);
            if (refusal != null) {
                member.state = Member.State.GONE;
                member.outbox.close(); // nothing, not even a refusal of its input, before the close
                return new Admission(refusal, counted(), List.of());
            }
            if (member.user == null && everyone.verified(member.name)) {
                member.name = EventCodec.ANONYMOUS; // a guest may not pass for a verified user in the room
            }
            here.add(member.name, member.user);
            Join join = Join.of(counted() + 1, member.name, member.user);
            if (!fanout.presence(join, member.id())) {
                member.state = Member.State.JOINING;
                joining.put(member.id(), new Joining(member, resume));
                return new Admission(null, counted(), List.of());
            }
            return new Admission(null, counted() + 1, enter(member, resume, join));
        } finally {
            lock.unlock();
        }
    }

    /** Sends the member its history, listing everyone with its join counted, then announces the join. Lock held. */
    private List<Member> enter(Member member, Resume resume, Join join) {
        everyone.follow(join);
        boolean historyFits = member.outbox.enqueue(historyFrame(history.after(resume, everyone.list())));
        member.state = Member.State.ADMITTED;
        roster.add(member);
        List<Member> overflowed = queue(join);
        return historyFits ? overflowed : Roster.plus(overflowed, member);
    }

    /**
     * A newcomer's history frame, within half its send queue's limit so that it can never be
     * evicted as a slow consumer for its history alone: the newest chats that fit, marked
     * incomplete, when all of them do not. In a room so large that who is in it would take more
     * than half of that (thousands of long names), the newcomer is not told who is here, as a
     * client that never asked is not (the page hides its list). Lock held.
     */
    private Frame historyFrame(History full) {
        Frame frame = Frame.of(codec.encode(full));
        int fits = config.sendQueueBytes() / 2;
        if (frame.bytes() > fits && full.users() != null && usersBytes(full.users()) > fits / 2) {
            full = new History(full.epoch(), full.complete(), full.messages(), null);
            frame = Frame.of(codec.encode(full));
        }
        List<Chat> chats = full.messages();
        int from = 0;
        while (frame.bytes() > fits && from < chats.size()) {
            long excess = frame.bytes() - fits;
            do { // the oldest chats, until what they take on the wire covers the excess (names and texts: at least that)
                Chat dropped = chats.get(from++);
                excess -= Utf8.length(dropped.text()) + Utf8.length(dropped.name());
            } while (excess > 0 && from < chats.size());
            frame = Frame.of(codec.encode(new History(full.epoch(), false, chats.subList(from, chats.size()), full.users())));
        }
        return frame;
    }

    /** What the list of who is here takes on the wire, {@code {"name":"…","connections":N},} each. */
    private static long usersBytes(List<User> users) {
        long bytes = 0;
        for (User user : users) {
            bytes += Utf8.length(user.name()) + 30;
        }
        return bytes;
    }

    /** This instance's members, admitted or joining. Lock held. */
    private int counted() {
        return roster.size() + joining.size();
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
            Member.State state = member.state;
            if (state == Member.State.GONE) {
                return Removal.NONE;
            }
            member.state = Member.State.GONE;
            if (cause.sendsWhatIsQueued()) {
                member.outbox.seal();
            } else {
                member.outbox.close();
            }
            if (state == Member.State.PENDING) {
                pending--;
                return new Removal(true, -1, List.of());
            }
            meters.left(cause, 1); // before the count drops, so that a count of 0 means every leave is counted
            if (state == Member.State.JOINING) {
                joining.remove(member.id());
            } else {
                roster.remove(member);
            }
            capacity.release(member.addressKey());
            here.remove(member.name, member.user);
            lastEventNanos = System.nanoTime();
            return new Removal(true, counted(), announce(Leave.of(counted(), member.name, member.user), member));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives an admitted member a new name and announces it to the room; nothing if it is gone,
     * already has that name, or is a verified user, whose name is its identity's.
     *
     * @return who overflowed on the announcement
     */
    List<Member> rename(Member member, String name) {
        lock.lock();
        try {
            Member.State state = member.state;
            if (state != Member.State.ADMITTED && state != Member.State.JOINING || member.user != null || member.name.equals(name)) {
                return List.of();
            }
            String old = member.name;
            here.remove(old, null);
            here.add(name, null);
            member.name = name;
            return announce(new Rename(old, name), member);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void moderated(Moderation event) {
        List<Member> named;
        List<Member> overflowed;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            named = sanction(event);
            overflowed = roster.enqueue(Frame.of(codec.encode(event)), 0);
        } finally {
            lock.unlock();
        }
        boolean closes = event.action().equals("kick") || event.action().equals("ban") && event.until() != null;
        for (Member target : closes ? named : List.<Member>of()) {
            target.outbox.flush(); // the announcement leaves before the close (a kick or ban keeps what is queued)
            evictor.accept(target, event.action().equals("kick") ? LeaveCause.KICKED : LeaveCause.BANNED);
        }
        sendElsewhere(overflowed);
    }

    @Override
    public void sanctioned(List<Moderation> inForce) {
        lock.lock();
        try {
            if (!closed) {
                inForce.forEach(this::sanction);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Keeps a ban or mute of a verified user or of a guest's name until it ends (lifted if it has
     * no end; a kick keeps nothing), and returns the admitted members here it names, their mutes
     * set. Lock held.
     */
    private List<Member> sanction(Moderation event) {
        long now = System.nanoTime();
        long until = event.until() == null ? 0
                : now + Math.max(1, java.time.Duration.between(clock.instant(), event.until()).toNanos());
        String key = Sanctions.keyOf(event.user(), event.name());
        if (event.action().equals("ban")) {
            sanctions.ban(key, until);
        } else if (event.action().equals("mute")) {
            sanctions.mute(key, until);
        }
        List<Member> named = new ArrayList<>();
        for (Member member : roster.members()) {
            if (Sanctions.keyOf(member.user, member.name).equals(key)) {
                named.add(member);
                if (event.action().equals("mute")) {
                    member.mutedUntilNanos = until;
                }
            }
        }
        return named;
    }

    /** Whether a verified user in the room, on any instance, holds the name: a guest may not take it. */
    boolean heldByVerified(String name) {
        lock.lock();
        try {
            return everyone.verified(name);
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
            List<Member> inRoom = new ArrayList<>(List.of(roster.clear())); // which also stops Liveness: it pings and sweeps the roster
            joining.values().forEach(waiting -> inRoom.add(waiting.member()));
            joining.clear();
            for (Member member : inRoom) {
                capacity.release(member.addressKey());
                member.state = Member.State.GONE;
                member.outbox.seal();
            }
            here.clear();
            everyone.clear();
            history.clear();
            sanctions.clear();
            return inRoom.toArray(Member[]::new);
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
            if (closed || counted() > 0 || pending > 0 || nowNanos - lastEventNanos < quietNanos || !sanctions.none(nowNanos)) {
                return false;
            }
            closed = true;
            history.clear();
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
    public Queued deliver(ServerEvent event) {
        lock.lock();
        try {
            if (closed) {
                return new Queued(this, List.of());
            }
            if (event instanceof Chat chat) {
                history.keep(chat);
                lastEventNanos = System.nanoTime();
            }
            everyone.follow(event);
            return new Queued(this, queue(event));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long idOf(String cid) {
        if (cid == null) {
            return 0;
        }
        lock.lock();
        try {
            return history.idOf(cid);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void passing(ServerEvent event, long except) {
        List<Member> overflowed;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            overflowed = roster.enqueue(Frame.of(codec.encode(event)), except);
        } finally {
            lock.unlock();
        }
        sendElsewhere(overflowed);
    }

    @Override
    public void admitted(long member, Join join) {
        List<Member> overflowed;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            Joining waiting = joining.remove(member);
            if (waiting == null) { // it left meanwhile: its join is announced like anyone's, and its leave follows
                everyone.follow(join);
                overflowed = queue(join);
            } else {
                overflowed = enter(waiting.member(), waiting.resume(), join);
            }
        } finally {
            lock.unlock();
        }
        sendElsewhere(overflowed);
    }

    @Override
    public void everyone(List<User> users) {
        Set<Member> overflowed = new LinkedHashSet<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (ServerEvent change : everyone.become(users)) {
                overflowed.addAll(queue(change));
            }
        } finally {
            lock.unlock();
        }
        sendElsewhere(List.copyOf(overflowed));
    }

    /** Starts the sends on the flushing threads, so that a fanout's thread goes back to its cluster; then evicts who overflowed. */
    void sendElsewhere(List<Member> overflowed) {
        flusher.flushElsewhere();
        if (!overflowed.isEmpty()) {
            slowConsumers.accept(overflowed);
        }
    }

    @Override
    public void repeated(Draft draft, long id) {
        meters.repeated();
        Member sender = draft.from();
        if (sender.state != Member.State.GONE && !tell(sender, new ServerEvent.Sent(draft.cid(), id))) {
            slowConsumers.accept(List.of(sender));
            return;
        }
        sender.outbox.flush();
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
        sendElsewhere(List.copyOf(overflowed));
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
                fanout.recount(here.list());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues the event for every member, then has the server's budget look at all queues together. Lock held. */
    private List<Member> queue(ServerEvent event) {
        List<Member> overflowed = roster.enqueue(Frame.of(codec.encode(event)));
        budget.checkQueues();
        return overflowed;
    }

    /** Heap bytes the room's history holds. */
    long historyBytes() {
        lock.lock();
        try {
            return history.bytes();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the room's oldest chats until at least that many heap bytes are freed; the bytes freed. */
    long dropHistory(long atLeast) {
        lock.lock();
        try {
            return history.dropOldest(atLeast);
        } finally {
            lock.unlock();
        }
    }

    /** Hands a change of this instance's connections to the fanout, and queues what it says to announce here now. Lock held. */
    private List<Member> announce(ServerEvent change, Member member) {
        if (!fanout.presence(change, member.id())) {
            return List.of();
        }
        everyone.follow(change);
        return queue(change);
    }
}
