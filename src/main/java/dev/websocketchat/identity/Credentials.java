package dev.websocketchat.identity;

/**
 * What a handshake offered as proof of who is connecting: a bearer token from its
 * {@code Authorization} header, and the container's login (the principal's name, and whether the
 * container gives it the {@value Gate#MODERATOR} role). Each null when absent. Never printed whole.
 */
public record Credentials(String bearer, String login, boolean moderator) {

    public static final Credentials NONE = new Credentials(null, null, false);

    /** The token of an {@code Authorization: Bearer …} header; null for any other header or none. */
    public static String bearerOf(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    @Override
    public String toString() {
        return "Credentials[bearer=" + (bearer == null ? "none" : "hidden") + ", login=" + (login == null ? "none" : "set") + "]";
    }
}
