package dev.websocketchat.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may connect as whom, and where: the one entry point of identity for the endpoint. It turns a
 * token ({@code CHAT_JWT_SECRET}, {@code CHAT_JWT_JWKS_URL}) or the container's login into an
 * {@link Identity}, and says who may enter a private room ({@code CHAT_PRIVATE_ROOMS}). The room
 * learns only the identity: the token itself goes no further than {@link #verify}.
 */
public final class Gate {

    /** The role that moderates every room and may enter every private one. */
    public static final String MODERATOR = "moderator";
    /** Longest user id accepted, in characters. */
    static final int MAX_USER_CHARS = 255;
    /** How long a connection has to prove who it is, from its handshake. */
    public static final int PROOF_SECONDS = 10;

    private final AuthMode mode;
    private final TokenVerifier tokens;
    private final Set<String> privateRooms;
    private final Waiting waiting;

    Gate(AuthMode mode, TokenVerifier tokens, Set<String> privateRooms, Waiting waiting) {
        this.mode = mode;
        this.tokens = tokens;
        this.privateRooms = Set.copyOf(privateRooms);
        this.waiting = waiting;
    }

    /** The gate the configuration describes. */
    public static Gate of(ChatConfig config) {
        AuthMode mode = AuthMode.of(config.auth());
        boolean anyKey = !config.jwtSecret().isEmpty() || !config.jwtJwksUrl().isEmpty();
        TokenVerifier tokens = mode == AuthMode.OFF || !anyKey ? null : new TokenVerifier(config.jwtSecret(), config.jwtJwksUrl(),
                config.jwtIssuer(), config.jwtAudience(), Clock.systemUTC());
        return new Gate(mode, tokens, config.privateRooms(), new Waiting(config.maxConnections(), config.maxConnectionsPerAddress()));
    }

    /**
     * Takes a place for a connection that is to prove who it is, from a client address that has
     * {@code admitted} connections in already; false if the address, or the server, has as many
     * connections as its limit allows. {@link #proven} gives it back.
     */
    public boolean awaitProof(String clientAddress, int admitted) {
        return waiting.start(clientAddress, admitted);
    }

    /** The connection that {@link #awaitProof} took a place for proved who it is, or is gone. */
    public void proven(String clientAddress) {
        waiting.stop(clientAddress);
    }

    /** Connections waiting to prove who they are, now. */
    public int awaitingProof() {
        return waiting.total();
    }

    public AuthMode mode() {
        return mode;
    }

    /** Whether this server checks tokens at all (else only the container's login proves who someone is). */
    public boolean takesTokens() {
        return tokens != null;
    }

    /** The identity a token proves, or why it proves none. */
    public Identity verify(String token) throws AuthFailure {
        if (tokens == null) {
            throw new AuthFailure(AuthFailure.Reason.SIGNATURE);
        }
        return identity(tokens.verify(token));
    }

    /** The identity of a login the container made at the handshake: it lasts as long as the connection. */
    public static Identity ofLogin(String principal, boolean moderator) throws AuthFailure {
        String user = user(principal);
        return new Identity(user, name(List.of(user)), Set.of(), moderator, null);
    }

    /** Whether only some verified users may enter the room: it is named in {@code CHAT_PRIVATE_ROOMS}, exactly or by a prefix ending in {@code *}. */
    public boolean isPrivate(String room) {
        return isPrivate(privateRooms, room);
    }

    /** Whether the room is one of {@code CHAT_PRIVATE_ROOMS}: for {@code GET /rooms}, which never lists one. */
    public static boolean isPrivate(ChatConfig config, String room) {
        return isPrivate(config.privateRooms(), room);
    }

    private static boolean isPrivate(Set<String> privateRooms, String room) {
        for (String pattern : privateRooms) {
            if (pattern.endsWith("*") ? room.startsWith(pattern.substring(0, pattern.length() - 1)) : room.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** Whether someone (null for a guest) may enter the room: any room that is not private; a private one if they moderate or their token names it. */
    public boolean mayEnter(Identity identity, String room) {
        return !isPrivate(room) || identity != null && (identity.moderator() || identity.rooms().contains(room));
    }

    /**
     * The room of the direct conversation between two users, the same whichever of them opens it:
     * {@code @} and 31 hex digits of the SHA-256 of their ids, so that its name says nothing of
     * who they are, and only a connection proven to be one of them is ever given it.
     */
    public static String directRoom(String user, String other) {
        String first = user.compareTo(other) <= 0 ? user : other;
        String second = first == user ? other : user;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((first + "\u0000" + second).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "@" + java.util.HexFormat.of().formatHex(digest).substring(0, 31);
        } catch (java.security.NoSuchAlgorithmException everyJavaHasIt) {
            throw new IllegalStateException(everyJavaHasIt);
        }
    }

    /** The user a direct conversation's address names ({@code /chat/@USER}), or null if that is no user's id. */
    public static String directTo(String path) {
        String user = path.startsWith("@") ? path.substring(1) : "";
        return user.isBlank() || user.length() > MAX_USER_CHARS || user.chars().anyMatch(Character::isISOControl) ? null : user;
    }

    private static Identity identity(JWTClaimsSet claims) throws AuthFailure {
        String user = user(claims.getSubject());
        try {
            List<String> names = new ArrayList<>(2);
            for (String claim : List.of("name", "preferred_username")) {
                if (claims.getClaim(claim) instanceof String name) {
                    names.add(name);
                }
            }
            names.add(user);
            List<String> rooms = claims.getStringListClaim("rooms");
            return new Identity(user, name(names), rooms == null ? Set.of() : Set.copyOf(rooms), roles(claims).contains(MODERATOR),
                    claims.getExpirationTime().toInstant());
        } catch (ParseException | NullPointerException wrongClaimTypes) {
            throw new AuthFailure(AuthFailure.Reason.MALFORMED);
        }
    }

    /** {@code roles}, as the issue's contract names it, or Keycloak's own {@code realm_access.roles}. */
    private static List<String> roles(JWTClaimsSet claims) throws ParseException {
        List<String> roles = claims.getStringListClaim("roles");
        if (roles != null) {
            return roles;
        }
        if (claims.getClaim("realm_access") instanceof Map<?, ?> realm && realm.get("roles") instanceof List<?> list) {
            return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        }
        return List.of();
    }

    private static String user(String sub) throws AuthFailure {
        if (sub == null || sub.isBlank() || sub.length() > MAX_USER_CHARS || sub.chars().anyMatch(Character::isISOControl)) {
            throw new AuthFailure(AuthFailure.Reason.MALFORMED);
        }
        return sub;
    }

    /** The first of the candidates that is a name this server shows, cleaned as a typed one is, and cut to its length. */
    private static String name(List<String> candidates) throws AuthFailure {
        for (String candidate : candidates) {
            try {
                String cut = candidate.codePointCount(0, candidate.length()) > EventCodec.MAX_NAME_LENGTH
                        ? candidate.substring(0, candidate.offsetByCodePoints(0, EventCodec.MAX_NAME_LENGTH)) : candidate;
                return EventCodec.name(cut);
            } catch (InvalidMessageException notShown) {
                // the next candidate
            }
        }
        throw new AuthFailure(AuthFailure.Reason.MALFORMED);
    }
}
