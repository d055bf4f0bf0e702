package dev.websocketchat.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.websocketchat.identity.AuthFailure;
import dev.websocketchat.identity.AuthMode;
import dev.websocketchat.identity.Credentials;
import dev.websocketchat.identity.Gate;
import dev.websocketchat.identity.Identity;
import dev.websocketchat.protocol.EventCodec;
import java.util.concurrent.ScheduledFuture;

/**
 * A connection that has yet to prove who it is ({@code CHAT_AUTH} on, and its handshake carried
 * neither a bearer token nor the container's login): not in any room, not counted, announced or
 * sent anything, holding a place among the connections waiting ({@link Gate#awaitProof}) until
 * its first message arrives or {@value Gate#PROOF_SECONDS} s pass. That message is kept to at most
 * {@value #MAX_CHARS} characters, a token with room to spare.
 */
final class Proving {

    static final int MAX_CHARS = 16 * 1024;

    /**
     * What the first message proved: an identity (null for a guest), or why the connection is
     * refused; {@code guestMessage} says whether the message is a guest's first input, to be handled as such.
     */
    record Verdict(Identity identity, AuthFailure.Reason refusal, boolean guestMessage) {
        static Verdict refused(AuthFailure.Reason reason) {
            return new Verdict(null, reason, false);
        }
    }

    private final Arriving arriving;
    private final ScheduledFuture<?> deadline;
    private final StringBuilder message = new StringBuilder();
    private boolean tooLong;

    Proving(Arriving arriving, ScheduledFuture<?> deadline) {
        this.arriving = arriving;
        this.deadline = deadline;
    }

    /** Who the handshake proves the connection is: the container's login, else a bearer token; null if it offered neither. */
    static Identity ofHandshake(Gate gate, Credentials credentials) throws AuthFailure {
        if (credentials.login() != null) {
            return Gate.ofLogin(credentials.login(), credentials.moderator());
        }
        return credentials.bearer() == null ? null : gate.verify(credentials.bearer());
    }

    Arriving arriving() {
        return arriving;
    }

    /** Adds a part of the first message; the whole message once its last part is in, else null. */
    String add(String part, boolean last) {
        if (message.length() + part.length() > MAX_CHARS) {
            tooLong = true;
            return null;
        }
        message.append(part);
        return last ? message.toString() : null;
    }

    /** Whether the first message passed {@value #MAX_CHARS} characters: refused as a malformed token. */
    boolean tooLong() {
        return tooLong;
    }

    /** Cancels the deadline and gives the waiting place back: the connection has proven who it is, or never will. */
    void end(Gate gate) {
        deadline.cancel(false);
        gate.proven(arriving.client());
    }

    /** What the first message proves. */
    static Verdict judge(Gate gate, String message) {
        boolean optional = gate.mode() == AuthMode.OPTIONAL;
        JsonNode auth = authFrame(message);
        if (auth == null) {
            return optional ? new Verdict(null, null, true) : Verdict.refused(AuthFailure.Reason.MISSING);
        }
        JsonNode token = auth.get("token");
        if (token == null || token.isNull()) {
            return optional ? new Verdict(null, null, false) : Verdict.refused(AuthFailure.Reason.MISSING);
        }
        if (!token.isTextual()) {
            return Verdict.refused(AuthFailure.Reason.MALFORMED);
        }
        try {
            return new Verdict(gate.verify(token.textValue()), null, false);
        } catch (AuthFailure failure) {
            return Verdict.refused(failure.reason());
        }
    }

    /** The message as an {@code {"type":"auth"}} object, or null if it is anything else. */
    private static JsonNode authFrame(String message) {
        if (!message.stripLeading().startsWith("{")) {
            return null;
        }
        try {
            JsonNode root = EventCodec.mapper().readTree(message);
            JsonNode type = root == null ? null : root.get("type");
            return type != null && "auth".equals(type.asText(null)) ? root : null;
        } catch (JsonProcessingException notJson) {
            return null;
        }
    }
}
