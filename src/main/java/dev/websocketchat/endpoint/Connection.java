package dev.websocketchat.endpoint;

import dev.websocketchat.admission.Visitor;
import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.identity.AuthFailure;
import dev.websocketchat.identity.AuthMode;
import dev.websocketchat.identity.Gate;
import dev.websocketchat.identity.Identity;
import dev.websocketchat.log.LogSafe;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.room.ChatRoom;
import dev.websocketchat.room.LeaveCause;
import dev.websocketchat.room.Member;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import dev.websocketchat.transport.Containers;
import dev.websocketchat.transport.FrameTransport;
import dev.websocketchat.transport.Offer;
import jakarta.websocket.CloseReason;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One chat connection, for either endpoint ({@link ChatEndpoint} for the lobby, {@link RoomEndpoint}
 * for a named room): the container calls its endpoint on one thread at a time, and the endpoint
 * calls this. Everything shared lives in the {@link ChatRoom}; this class only translates
 * container callbacks into room calls.
 */
final class Connection {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    private Rooms rooms;
    private Gate gate;
    private Doorway doorway;
    private ChatRoom room;
    /** Set once admitted; volatile, as the proof's deadline may admit it on the timer's thread. */
    private volatile Member member;
    /** A connection still to prove who it is; guarded by this, null once it has or is gone. */
    private Proving proving;

    /**
     * Admits the connection to the named room, or closes it before admission: with 1008 for a
     * foreign host or origin, a name that is no room, or a {@code ?name=} that is too long; with
     * 1013 when the room is not open and cannot be: {@code CHAT_MAX_ROOMS} are, or the client's
     * address has opened {@code CHAT_ADDRESS_ROOMS}. With {@code CHAT_AUTH} on, a connection whose
     * handshake proves nothing first waits for its proof ({@link #text}); see docs/identity.md.
     */
    void open(Session session, EndpointConfig config, String roomName) throws IOException {
        // first thing: the standalone server's own transport, offered to this thread for this call
        // by its container (standalone.EmbeddedTyrusContainer); null in a WAR
        FrameTransport offered = Offer.take();
        rooms = ChatRooms.of(session.getContainer());
        gate = ChatRooms.gate(session.getContainer());
        doorway = new Doorway(rooms, gate);
        ChatConfig settings = rooms.config();
        FrameTransport transport = offered != null ? offered : settings.containerWrites() ? Containers.transport(session) : null;
        rooms.metrics().sessionOpened();
        session.setMaxTextMessageBufferSize(ChatEndpoint.TEXT_PART_CHARS);
        session.setMaxBinaryMessageBufferSize(settings.maxFrame());
        // Never time out: the room's Liveness finds idle connections. Negative rather than the
        // default 0, which means the same, because Tyrus re-arms a timer task on every send unless
        // the timeout is negative (docs/benchmarks.md, "Found by profiling");
        // ChatEndpoint.setSessionDefaults makes it the container's default too.
        session.setMaxIdleTimeout(-1);
        Visitor visitor = Visitor.arriving(session, config, settings);
        String remote = visitor.remote();
        String client = visitor.client();
        if (visitor.refusal() != null) {
            Doorway.turnAway(rooms, session, visitor.refusal(), client, visitor.logLine(), CloseReason.CloseCodes.VIOLATED_POLICY, visitor.reason());
            return;
        }
        // /chat/@USER: a direct conversation, whose room is known only once the caller has proven who it is (enter)
        boolean direct = gate.mode() != AuthMode.OFF && Gate.directTo(roomName) != null;
        String name = nameOf(session, direct ? Rooms.LOBBY : roomName, remote, client);
        if (name == null) {
            return;
        }
        Arriving arriving = new Arriving(session, roomName, name, remote, client, transport);
        if (gate.mode() == AuthMode.OFF) {
            enter(arriving, null);
            return;
        }
        Identity proven;
        try {
            proven = Proving.ofHandshake(gate, visitor.credentials());
        } catch (AuthFailure failure) {
            doorway.refuse(arriving, failure.reason());
            return;
        }
        if (proven != null) {
            enter(arriving, proven);
        } else if (!gate.awaitProof(client, rooms.connectionsFrom(client))) {
            Doorway.turnAway(rooms, session, Rejection.ADDRESS_FULL, client, "refused " + remote + ": too many connections from its address"
                    + " waiting to sign in or in", CloseReason.CloseCodes.TRY_AGAIN_LATER, "too many connections from your address");
        } else {
            synchronized (this) {
                proving = new Proving(arriving, rooms.schedule(this::proofDue, TimeUnit.SECONDS.toMillis(Gate.PROOF_SECONDS)));
            }
        }
    }

    /** Lets it in as the identity says (a guest if null), unless the doorway turns it away; see {@link Doorway#enter}. */
    private void enter(Arriving arriving, Identity proven) throws IOException {
        Member arrived = doorway.enter(arriving, proven);
        if (arrived != null) {
            room = arrived.room();
            member = arrived;
            room.admit(arrived, Resume.from(arriving.session().getRequestParameterMap()));
        }
    }

    /**
     * The first message of a connection still proving who it is: an {@code auth} frame with a
     * valid token admits it as that user; in {@code optional} mode any other message (or an
     * {@code auth} frame with no token) admits it as a guest, the message then handled as any.
     */
    private synchronized void proveWith(String part, boolean last) {
        if (member != null) {
            room.receive(member, part, last);
            return;
        }
        if (proving == null) {
            return; // turned away, or gone
        }
        String message = proving.add(part, last);
        if (message == null && !proving.tooLong()) {
            return;
        }
        Proving proof = proving;
        proving = null;
        proof.end(gate);
        Proving.Verdict verdict = proof.tooLong() ? Proving.Verdict.refused(AuthFailure.Reason.MALFORMED) : Proving.judge(gate, message);
        try {
            if (verdict.refusal() != null) {
                doorway.refuse(proof.arriving(), verdict.refusal());
            } else {
                enter(proof.arriving(), verdict.identity());
                if (verdict.guestMessage() && member != null) {
                    room.receive(member, message, true);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.FINE, e, () -> "closing session " + proof.arriving().session().getId() + " after its proof failed");
        }
    }

    /** The proof's deadline passed: a guest from now on in {@code optional} mode; else closed with 4401. */
    private synchronized void proofDue() {
        if (proving == null) {
            return;
        }
        Proving proof = proving;
        proving = null;
        proof.end(gate);
        try {
            if (gate.mode() == AuthMode.OPTIONAL) {
                enter(proof.arriving(), null);
            } else {
                doorway.refuse(proof.arriving(), AuthFailure.Reason.MISSING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, e, () -> "closing session " + proof.arriving().session().getId() + " at its proof's deadline failed");
        }
    }

    /** Gives back the place of a connection that ended while it was proving who it is. */
    private synchronized void stopProving() {
        if (proving != null) {
            proving.end(gate);
            proving = null;
        }
    }

    /**
     * The connection's name, from the handshake's {@code ?name=} ({@value Rooms#LOBBY}'s and every
     * room's alike); null, with the connection closed (1008), if the room's name is no room's or
     * the connection's is too long.
     */
    private String nameOf(Session session, String roomName, String remote, String client) throws IOException {
        if (!Rooms.isValidName(roomName)) {
            Doorway.turnAway(rooms, session, Rejection.NO_SUCH_ROOM, client, "refused " + remote + ": no room is named " + LogSafe.text(roomName, 40),
                    CloseReason.CloseCodes.VIOLATED_POLICY, "no such room");
            return null;
        }
        try {
            return EventCodec.name(queryParameter(session, "name"));
        } catch (InvalidMessageException invalid) {
            Doorway.turnAway(rooms, session, Rejection.of(invalid.kind()), client, "refused " + remote + ": " + invalid.getMessage(),
                    CloseReason.CloseCodes.VIOLATED_POLICY, invalid.getMessage());
            return null;
        }
    }

    /**
     * A query parameter of the handshake, decoded as UTF-8 from the raw query string, or null; a
     * broken escape ({@code %ZZ}) is refused as invalid. Not
     * {@code getRequestParameterMap()}: Payara decodes that as ISO-8859-1, which turns a Korean
     * name into mojibake.
     */
    private static String queryParameter(Session session, String name) throws InvalidMessageException {
        String query = session.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    throw new InvalidMessageException(InvalidMessageException.Kind.INVALID_UNICODE, name + " is not valid Unicode");
                }
            }
        }
        return null;
    }

    /**
     * Takes a message in parts: the container's buffer for it is {@link ChatEndpoint#TEXT_PART_CHARS}
     * characters, and the room applies the limit, the same on every container.
     */
    void text(String part, boolean last) {
        Member admitted = member;
        if (admitted != null) {
            room.receive(admitted, part, last);
        } else if (gate != null && gate.mode() != AuthMode.OFF) {
            proveWith(part, last);
        }
    }

    void binary() {
        if (member != null) {
            room.receiveBinary(member);
        }
    }

    void pong() {
        if (member != null) {
            room.heard(member);
        }
    }

    void close(CloseReason reason) {
        if (rooms != null) { // null only if open failed before it found the rooms
            rooms.metrics().sessionClosed();
            stopProving();
        }
        Member member = this.member;
        if (member != null) {
            member.endRenewal();
            room.leave(member, LeaveCause.ofClose(reason.getCloseCode().getCode()));
        }
    }

    /**
     * Every error ends the connection: the leave is announced now, not when (or if) the close
     * comes, counted as what the failure says happened ({@link Containers#causeOf}): containers report
     * a reset or a peer that stopped reading here, Tomcat before its close, and WildFly a frame it refused.
     * A failure to answer the peer's close is left to the close that follows ({@link Containers#closeFollows}).
     */
    void error(Session session, Throwable failure) {
        Member member = this.member;
        if (member == null || Containers.closeFollows(session)) {
            LOG.log(Level.FINE, failure, () -> "error on session " + session.getId() + (member == null
                    ? " before admission" : " while answering its close"));
            return;
        }
        if (room.evict(member, Containers.causeOf(failure))) {
            rooms.logs().log(LOG, Level.INFO, "failed", member.clientAddress(),
                    () -> member + " failed: " + LogSafe.text(String.valueOf(failure)));
        }
        LOG.log(Level.FINE, failure, () -> "error on " + member);
    }
}
