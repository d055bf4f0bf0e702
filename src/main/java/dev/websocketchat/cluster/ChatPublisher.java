package dev.websocketchat.cluster;

import dev.websocketchat.room.Audience;
import dev.websocketchat.room.Draft;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * Hands one room's chats to Redis to be numbered ({@code publish-chat.lua}), in the order they were
 * said here, and never numbers one itself: a chat reaches this instance's members as every other
 * instance's do, from the room's channel, with the cluster's id.
 *
 * <p>Every chat stays in {@link #unconfirmed} until Redis answers for it. When a publish fails or
 * times out, Redis may still run it (a stalled Redis runs what was sent once it wakes), so it is
 * neither delivered here nor dropped: from the failure on, new chats wait behind it, and after the
 * link recovers {@link #resend} publishes every one still unconfirmed again, in order, under its
 * first nonce. A publish Redis ran already is a repeat it answers with the chat's id and ignores,
 * so each chat is numbered once, and one sender's chats keep their order.
 *
 * <p>While the link is down, at most {@link RedisLink#HELD_CHATS} chats wait on the whole
 * instance; beyond that a chat is refused to its sender, who may send it again later.
 *
 * <p>A chat that comes with its sender's {@code cid} is published under it, and Redis remembers
 * it for {@value #CLIENT_ID_MILLIS} ms: a resend from a client that lost its connection before the
 * echo is a repeat on every instance, and its sender alone is told ({@link Audience#repeated}).
 *
 * <p>Threads: {@link #chat} and {@link #resend} take this publisher's monitor, and hold it while
 * sending to Redis without blocking, so that chats leave on the connection in the order they were
 * accepted here; they are called without the room's lock ({@link #resend} with its
 * {@link RedisFanout}'s monitor held). Nothing else takes it: Redis's answers ({@link #confirmed})
 * and its failures ({@link #pause}, through {@link RedisLink#lost}, which may run inside another
 * room's {@link #chat} or under a room's lock) touch only the concurrent queue and a volatile flag.
 */
final class ChatPublisher {

    /** How long Redis remembers a nonce this instance made up: past any retry of the same publish. */
    private static final long NONCE_MILLIS = 60_000;
    /** How long Redis remembers a client's {@code cid}: past a page's resend after a long network loss. */
    private static final long CLIENT_ID_MILLIS = 600_000;

    private final RedisLink link;
    private final String sequence;
    private final String history;
    /** The prefix of a nonce's key, which Redis keeps while it remembers the chat's nonce. */
    private final String sent;
    private final String channel;
    private volatile Audience audience;
    /**
     * Chats accepted here that Redis has not answered for, oldest first; added to only with this
     * publisher's monitor held. Bounded for the whole instance: while the link is down by
     * {@link RedisLink#HELD_CHATS} over all rooms; while it is up by what Redis has in flight,
     * which the command timeout ends (a timed-out chat stops new ones flowing). Per connection and
     * per address, by the chat rate limits in front of it.
     */
    private final ConcurrentLinkedDeque<Unconfirmed> unconfirmed = new ConcurrentLinkedDeque<>();
    /** The same chats by nonce, so a chat heard on the channel is found at once ({@link #heard}); the same bound. */
    private final ConcurrentHashMap<String, Unconfirmed> byNonce = new ConcurrentHashMap<>();
    /** Whether chats go to Redis as they come: false from a failure until {@link #resend}. */
    private volatile boolean flowing;

    /** A chat accepted here, with the nonce and encoding it is published under every time. */
    private record Unconfirmed(Draft draft, String nonce, String encoded) {
    }

    ChatPublisher(RedisLink link, String roomKeys, String channel) {
        this.link = link;
        this.sequence = roomKeys + "sequence";
        this.history = roomKeys + "history";
        this.sent = roomKeys + "sent:";
        this.channel = channel;
    }

    void start(Audience members) {
        audience = members;
    }

    /** Publishes the chat now, or has it wait while the link is down; false if too many chats wait already. */
    synchronized boolean chat(Draft draft) {
        boolean now = flowing;
        if (!link.hold(now)) {
            return false;
        }
        String nonce = draft.cid() != null ? "c:" + draft.cid() : link.nextNonce();
        Unconfirmed chat = new Unconfirmed(draft, nonce,
                new ClusterEvent.Draft(nonce, draft.name(), draft.text(), draft.time(), draft.cid(), draft.user()).encode());
        unconfirmed.addLast(chat);
        byNonce.put(nonce, chat);
        if (now) {
            try {
                publish(chat, true);
            } catch (RuntimeException failure) {
                // the link is down; the chat waits with the others
            }
        }
        return true;
    }

    /** The link went down: chats wait from now on. Takes no lock. */
    void pause() {
        flowing = false;
    }

    /**
     * After a recovery: publishes again every chat still unconfirmed, in order, and lets new ones
     * follow them; waits for Redis to answer for all of them. Throws if it cannot.
     */
    void resend() {
        List<RedisFuture<Long>> answers = new ArrayList<>(); // one per unconfirmed chat: their bound
        synchronized (this) {
            for (Unconfirmed chat : unconfirmed) {
                answers.add(publish(chat, false));
            }
            flowing = true;
        }
        Duration timeout = RedisLink.COMMAND_TIMEOUT;
        if (!answers.isEmpty() && !LettuceFutures.awaitAll(timeout.toMillis(), TimeUnit.MILLISECONDS, answers.toArray(RedisFuture[]::new))) {
            throw new IllegalStateException("Redis did not answer for " + answers.size() + " chats within " + timeout);
        }
    }

    /** Forgets what waits: the room is closing, and nobody here will hear of it. */
    synchronized void clear() {
        for (Unconfirmed chat; (chat = unconfirmed.pollFirst()) != null; ) {
            forget(chat);
        }
    }

    /**
     * Redis published a chat with this nonce: one of this instance's still unconfirmed, its
     * answer lost with a connection (a primary that died just after running it), is confirmed by
     * that, and never published again, which a new primary that had not yet replicated its nonce
     * would number twice.
     */
    void heard(String nonce) {
        Unconfirmed chat = byNonce.get(nonce);
        if (chat != null && unconfirmed.remove(chat)) {
            forget(chat);
        }
    }

    private void forget(Unconfirmed chat) {
        byNonce.remove(chat.nonce(), chat);
        link.release(1);
    }

    /** Sends the chat to Redis; a failure, now or when Redis answers, takes the link down and leaves the chat unconfirmed. */
    private RedisFuture<Long> publish(Unconfirmed chat, boolean first) {
        RedisFuture<Long> answer;
        try {
            answer = link.async().eval(link.scripts.publishChat, ScriptOutputType.INTEGER,
                    new String[] {sequence, history, sent + chat.nonce()},
                    channel, Integer.toString(link.history), chat.nonce(), chat.encoded(),
                    Long.toString(chat.draft().cid() != null ? CLIENT_ID_MILLIS : NONCE_MILLIS));
        } catch (RuntimeException failure) {
            link.lost(failure);
            throw failure;
        }
        answer.whenComplete((id, failure) -> {
            if (failure != null) {
                link.lost(failure);
            } else {
                confirmed(chat, id, first);
            }
        });
        return answer;
    }

    /** Redis numbered the chat, or answered that it had ({@code id} negative): a client's resend is told so. */
    private void confirmed(Unconfirmed chat, long id, boolean first) {
        if (unconfirmed.remove(chat)) {
            forget(chat);
        }
        if (id < 0 && first && chat.draft().cid() != null) {
            audience.repeated(chat.draft(), -id);
        }
    }
}
