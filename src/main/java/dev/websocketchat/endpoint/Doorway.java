package dev.websocketchat.endpoint;

import dev.websocketchat.identity.AuthFailure;
import dev.websocketchat.identity.AuthMode;
import dev.websocketchat.identity.Gate;
import dev.websocketchat.identity.Identity;
import dev.websocketchat.room.Member;
import dev.websocketchat.room.Person;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where a connection whose handshake passed becomes a member of its room, as who it is, or is
 * turned away before anyone hears of it: from a direct conversation without a user (4401), from a
 * private room its identity does not open (4403), or when the room cannot open (1013). Every
 * refusal is counted and logged (throttled per client address) the same way.
 */
final class Doorway {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    private final Rooms rooms;
    private final Gate gate;

    Doorway(Rooms rooms, Gate gate) {
        this.rooms = rooms;
        this.gate = gate;
    }

    /**
     * Registers the connection in its room as the identity says (a guest if null), watching its
     * token's expiry; null, with the connection closed, if it may not enter. {@code /chat/@USER}
     * is the direct conversation of the caller and that user.
     */
    Member enter(Arriving arriving, Identity proven) throws IOException {
        String other = gate.mode() == AuthMode.OFF ? null : Gate.directTo(arriving.room());
        if (other != null) {
            if (proven == null) {
                refuse(arriving, AuthFailure.Reason.MISSING); // a guest has nobody to talk to directly
                return null;
            }
            arriving = arriving.in(Gate.directRoom(proven.user(), other));
        }
        if (!gate.mayEnter(proven, arriving.room())) {
            turnAway(rooms, arriving.session(), Rejection.FORBIDDEN_ROOM, arriving.client(), "refused " + arriving.remote()
                    + " for private room " + arriving.room(), CloseReason.CloseCodes.getCloseCode(4403), "forbidden");
            return null;
        }
        Person person = proven == null ? Person.guest(arriving.name()) : new Person(proven.name(), proven.user(), proven.moderator());
        Rooms.Arrival arrival = rooms.connect(arriving.room(), new SessionPeer(arriving.session(), arriving.transport()),
                arriving.remote(), arriving.client(), person);
        Member arrived = arrival.member();
        if (arrived == null) {
            boolean server = arrival.refused() == Rejection.TOO_MANY_ROOMS;
            turnAway(rooms, arriving.session(), arrival.refused(), arriving.client(), "refused " + arriving.remote() + " for room "
                            + arriving.room() + ": " + (server ? "too many rooms" : "its address has opened " + rooms.config().addressRooms() + " rooms"),
                    CloseReason.CloseCodes.TRY_AGAIN_LATER, server ? "too many rooms" : "too many rooms from your address");
            return null;
        }
        if (arriving.transport() != null) {
            arriving.transport().watch(new MemberWatch(arrived.room(), arrived));
        }
        if (proven != null && proven.expires() != null) {
            arrived.renewWith(Expiry.watch(gate, rooms, arrived, proven));
        }
        return arrived;
    }

    /** Closes a connection that did not prove who it is (4401), or cannot now (1013), saying only which. */
    void refuse(Arriving arriving, AuthFailure.Reason reason) throws IOException {
        turnAway(rooms, arriving.session(), Rejection.UNAUTHENTICATED, arriving.client(), "refused " + arriving.remote() + ": "
                + reason.text(), CloseReason.CloseCodes.getCloseCode(reason.code()), reason.text());
    }

    /** Counts and logs (throttled per client address and rejection) why the connection is turned away, then closes it. */
    static void turnAway(Rooms rooms, Session session, Rejection rejection, String client, String logLine, CloseReason.CloseCode code,
                         String reason) throws IOException {
        rooms.metrics().rejected(rejection);
        rooms.logs().log(LOG, Level.INFO, rejection.name().toLowerCase(Locale.ROOT), client, () -> logLine);
        session.close(new CloseReason(code, reason));
    }
}
