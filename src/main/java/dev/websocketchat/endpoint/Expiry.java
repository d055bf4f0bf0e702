package dev.websocketchat.endpoint;

import dev.websocketchat.identity.AuthFailure;
import dev.websocketchat.identity.Gate;
import dev.websocketchat.identity.Identity;
import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.room.Member;
import dev.websocketchat.room.Renewal;
import dev.websocketchat.room.Rooms;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.logging.Logger;

/**
 * When a verified member's token ends, and how a fresh one extends it: at {@code exp} the member
 * is closed with 4401 unless an {@code auth} frame brought a token of the same user meanwhile.
 * One check is scheduled at a time, on the rooms' timer; a renewal replaces it, and the
 * connection's end cancels it (the timer drops a cancelled task at once).
 */
final class Expiry implements Renewal {

    private static final Logger LOG = Logger.getLogger(Expiry.class.getName());

    private final Gate gate;
    private final Rooms rooms;
    private final Member member;
    private final String user;
    /** The check scheduled now, and how many were; guarded by this. */
    private ScheduledFuture<?> check;
    private long checks;

    private Expiry(Gate gate, Rooms rooms, Member member, Identity identity) {
        this.gate = gate;
        this.rooms = rooms;
        this.member = member;
        this.user = identity.user();
    }

    /** Watches the member's token from now on: it is closed when the token ends, unless renewed. */
    static Expiry watch(Gate gate, Rooms rooms, Member member, Identity identity) {
        Expiry expiry = new Expiry(gate, rooms, member, identity);
        expiry.extendTo(identity.expires());
        return expiry;
    }

    @Override
    public String renew(String token) {
        try {
            Identity fresh = gate.verify(token);
            if (!fresh.user().equals(user)) {
                return AuthFailure.Reason.ANOTHER_USER.text();
            }
            extendTo(fresh.expires());
            return null;
        } catch (AuthFailure failure) {
            if (failure.reason() == AuthFailure.Reason.KEYS_UNAVAILABLE) {
                LOG.fine(() -> member + " renewed its token while the keys could not be fetched: its current token holds until it expires");
                return null;
            }
            return failure.reason().text();
        }
    }

    @Override
    public synchronized void end() {
        if (check != null) {
            check.cancel(false);
        }
        checks++;
    }

    private synchronized void extendTo(Instant end) {
        if (check != null) {
            check.cancel(false);
        }
        long scheduled = ++checks;
        check = rooms.schedule(() -> due(scheduled), Math.max(0, Duration.between(Instant.now(), end).toMillis()));
    }

    /** The token of check {@code scheduled} ended: the member is closed, unless a renewal scheduled another check since. */
    private void due(long scheduled) {
        synchronized (this) {
            if (scheduled != checks) {
                return;
            }
        }
        member.room().evict(member, LeaveCause.UNAUTHORIZED, AuthFailure.Reason.EXPIRED.text());
    }
}
