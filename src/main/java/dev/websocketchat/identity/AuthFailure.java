package dev.websocketchat.identity;

/**
 * Why a connection could not prove who it is, as its close says (4401, or 1013 while the keys
 * cannot be fetched). The reasons are fixed texts: nothing of the token, nor any claim in it,
 * ever reaches a log line, a metric or a close.
 */
public final class AuthFailure extends Exception {

    /** What was wrong, with the close code and the reason the client is told. */
    public enum Reason {
        MISSING(4401, "token missing"),
        MALFORMED(4401, "token malformed"),
        SIGNATURE(4401, "token signature not valid"),
        EXPIRED(4401, "token expired"),
        NOT_YET_VALID(4401, "token not yet valid"),
        ISSUER(4401, "token issuer not accepted"),
        AUDIENCE(4401, "token audience not accepted"),
        ANOTHER_USER(4401, "token is another user's"),
        KEYS_UNAVAILABLE(1013, "cannot check tokens now");

        private final int code;
        private final String text;

        Reason(int code, String text) {
            this.code = code;
            this.text = text;
        }

        public int code() {
            return code;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public AuthFailure(Reason reason) {
        super(reason.text(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
