package dev.websocketchat.room;

import dev.websocketchat.log.LogSafe;
import dev.websocketchat.log.LogThrottle;
import dev.websocketchat.protocol.ClientRequest;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Refusal;
import dev.websocketchat.protocol.Utf8;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a member sends, judged in order: every frame shows it alive; a message must fit
 * {@code CHAT_MAX_FRAME} (else 1009), then its rate (else {@code rate limited}, and far over it
 * for ten seconds, 1008), then its client address's bytes per second over all that address's
 * connections (else {@code rate limited}), then the protocol (else a refusal to it alone); what
 * passes is said to the room (a chat, or a rename), unless the server's queues together are over
 * their budget ({@code server busy}); a ping is answered with a pong, to the member alone. Called by one connection's callbacks at a time, on their threads.
 */
final class Intake {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());
    private static final ServerEvent PONG = new ServerEvent.Pong();

    private final ChatRoom room;
    private final Members members;
    private final EventCodec codec;
    private final Meters meters;
    private final AddressBudgets addresses;
    private final MemoryBudget budget;
    private final LogThrottle logs;

    Intake(ChatRoom room, Members members, RoomServices services) {
        this.room = room;
        this.members = members;
        this.codec = services.codec;
        this.meters = services.meters;
        this.addresses = services.addresses;
        this.budget = services.budget;
        this.logs = services.logs;
    }

    void text(Member member, String part, boolean last) {
        member.heard(System.nanoTime());
        MessageParts.Outcome outcome = member.parts.add(part, last);
        if (outcome == MessageParts.Outcome.TOO_BIG) {
            meters.rejected(Rejection.TOO_BIG);
            room.evict(member, LeaveCause.TOO_BIG);
            return;
        }
        if (outcome == MessageParts.Outcome.INCOMPLETE || !withinRate(member)) {
            return;
        }
        String message = member.parts.message();
        if (!addresses.bytes(member.addressKey(), Utf8.length(message))) {
            refuse(member, Rejection.ADDRESS_RATE_LIMITED, "rate limited");
            return;
        }
        try {
            ClientRequest request = codec.decode(message);
            if (request instanceof ClientRequest.Chat chat) {
                if (member.mutedUntilNanos != 0 && member.mutedUntilNanos - System.nanoTime() > 0) {
                    refuse(member, Rejection.MUTED, "a moderator muted you", chat.cid());
                } else if (room.nameHeld(member, chat.name())) {
                    refuse(member, Rejection.NAME_HELD, "a signed-in user in this room has that name", chat.cid());
                } else if (!budget.admitsChats()) {
                    refuse(member, Rejection.SERVER_BUSY, "server busy", chat.cid());
                } else if (!room.say(member, chat)) {
                    refuse(member, Rejection.CLUSTER_UNREACHABLE, "not sent: the cluster is unreachable, try again", chat.cid());
                }
            } else if (request instanceof ClientRequest.Rename rename) {
                if (member.user != null) {
                    refuse(member, Rejection.NAME_VERIFIED, "your name is the one you signed in with");
                } else if (room.nameHeld(member, rename.name())) {
                    refuse(member, Rejection.NAME_HELD, "a signed-in user in this room has that name");
                } else {
                    room.rename(member, rename.name());
                }
            } else if (request instanceof ClientRequest.Auth auth) {
                renew(member, auth);
            } else if (request instanceof ClientRequest.Moderate moderate) {
                Rejection refused = room.moderate(member, moderate);
                if (refused != null) {
                    refuse(member, refused, refused == Rejection.NOT_MODERATOR ? "only moderators may " + moderate.action()
                            : "not done: the cluster is unreachable, try again");
                }
            } else if (request instanceof ClientRequest.Typing) {
                room.typing(member);
            } else if (request instanceof ClientRequest.Ping) {
                answer(member, PONG);
            }
        } catch (InvalidMessageException invalid) {
            refuse(member, Rejection.of(invalid.kind()), invalid.getMessage(), invalid.cid());
        }
    }

    /** A fresh token from a verified member: its proof goes on, or the connection ends with 4401. */
    private void renew(Member member, ClientRequest.Auth auth) {
        Renewal renewal = member.renewal();
        if (renewal == null) {
            refuse(member, Rejection.AUTH_UNEXPECTED, "nothing to renew: this connection has no token");
            return;
        }
        String refused = renewal.renew(auth.token());
        if (refused != null) {
            meters.rejected(Rejection.UNAUTHENTICATED);
            room.evict(member, LeaveCause.UNAUTHORIZED, refused);
        }
    }

    void binary(Member member) {
        if (member.state != Member.State.GONE) {
            meters.rejected(Rejection.BINARY);
            room.evict(member, LeaveCause.UNSUPPORTED_DATA);
        }
    }

    /** Control frames count like messages, but over the rate nothing is refused: the container answers pings itself. */
    void control(Member member) {
        member.heard(System.nanoTime());
        if (member.rate.take() == RateLimiter.Verdict.FLOODING) {
            endFlood(member, "control frames");
        }
    }

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
        if (room.evict(member, LeaveCause.FLOODING)) {
            logs.log(LOG, Level.INFO, "flooding", member.clientAddress(),
                    () -> member + " kept sending " + what + " over " + RateLimiter.FLOOD_FACTOR + " times the rate limit");
        }
    }

    private void refuse(Member to, Rejection rejection, String reason) {
        refuse(to, rejection, reason, null);
    }

    /** Tells one member why its input was refused (naming the chat by its {@code cid}, if it had one); nobody else hears of it. */
    private void refuse(Member to, Rejection rejection, String reason, String cid) {
        meters.rejected(rejection);
        LOG.fine(() -> "refused input from " + to.id() + ": " + LogSafe.text(reason));
        answer(to, new Refusal(rejection.code(), reason, cid));
    }

    private void answer(Member to, ServerEvent event) {
        if (members.tell(to, event)) {
            to.outbox.flush();
        } else {
            room.evictSlowConsumers(List.of(to));
        }
    }
}
