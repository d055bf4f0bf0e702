package dev.websocketchat.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.websocketchat.protocol.InvalidMessageException.Kind;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * Protocol v1 on the wire: encodes {@link ServerEvent}s to JSON text and decodes client frames
 * into validated {@link ClientRequest}s. Thread-safe and stateless apart from its limits.
 */
public final class EventCodec {

    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ClientRequest.Ping PING = new ClientRequest.Ping();
    private static final ClientRequest.Typing TYPING = new ClientRequest.Typing();

    private final ObjectMapper mapper = mapper();
    private final ObjectWriter eventWriter = mapper.writerFor(ServerEvent.class);
    private final int maxText;

    /** @param maxText the longest chat text accepted, in characters (Unicode code points) */
    public EventCodec(int maxText) {
        this.maxText = maxText;
    }

    /**
     * How every JSON this server writes is read and written: times as ISO-8601 text, and nothing
     * after the document or twice in one object accepted. For the other messages it defines, such as the cluster's.
     */
    public static ObjectMapper mapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    public String encode(ServerEvent event) {
        try {
            return eventWriter.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode " + event, e);
        }
    }

    /** Reads a JSON document that a server wrote; for clients and tests, not the request path. */
    public ServerEvent decodeEvent(String json) throws JsonProcessingException {
        return mapper.readValue(json, ServerEvent.class);
    }

    /**
     * Turns one client text frame into a request. A frame that does not start with {@code {} is
     * the text of a chat under the connection's name (the page's Hello button sends plain
     * {@code Hello}); anything else must be a {@code {"type":"chat"}} or {@code {"type":"rename"}} object.
     *
     * @throws InvalidMessageException with the reason to tell the client
     */
    public ClientRequest decode(String frame) throws InvalidMessageException {
        if (!frame.stripLeading().startsWith("{")) {
            return new ClientRequest.Chat(null, checkText(frame));
        }
        JsonNode root;
        try {
            root = mapper.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new InvalidMessageException(Kind.INVALID_JSON, "invalid JSON");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isTextual()) {
            throw new InvalidMessageException(Kind.MISSING_TYPE, "missing type");
        }
        switch (type.textValue()) {
            case "chat":
                String cid = clientId(optionalString(root, "cid"));
                try {
                    String name = optionalString(root, "name");
                    return new ClientRequest.Chat(name == null ? null : name(name), checkText(requiredString(root, "text")), cid);
                } catch (InvalidMessageException invalid) {
                    throw invalid.about(cid);
                }
            case "ping":
                return PING;
            case "typing":
                return TYPING;
            case "rename":
                return new ClientRequest.Rename(name(requiredString(root, "name")));
            case "auth":
                return new ClientRequest.Auth(optionalString(root, "token"));
            case "kick", "ban", "mute":
                return moderate(type.textValue(), root);
            default:
                throw new InvalidMessageException(Kind.UNKNOWN_TYPE, "unknown type: " + abbreviate(type.textValue()));
        }
    }

    /** A chat's client id, echoed to everyone: a short token, never text a person reads. */
    private static String clientId(String cid) throws InvalidMessageException {
        if (cid != null && !CLIENT_ID.matcher(cid).matches()) {
            throw new InvalidMessageException(Kind.INVALID_CLIENT_ID, "cid must be 1 to 64 of A-Z, a-z, 0-9, _ and -");
        }
        return cid;
    }

    /** The name of a chat or connection that gave none. */
    public static final String ANONYMOUS = Names.ANONYMOUS;

    /** The longest name shown, in code points. */
    public static final int MAX_NAME_LENGTH = Names.MAX_LENGTH;

    /**
     * A display name as everyone will see it: see {@link Names#clean}; missing or blank is {@value Names#ANONYMOUS}.
     * For a chat's or a rename's name, and the handshake's {@code ?name=}.
     *
     * @throws InvalidMessageException if it is not valid Unicode or is too long
     */
    public static String name(String raw) throws InvalidMessageException {
        if (raw != null) {
            requireValidUnicode(raw, "name");
        }
        return Names.clean(raw);
    }

    /**
     * A text with nothing visible in it (only white space, control, invisible format or blank
     * characters such as zero-width spaces and Hangul fillers, or marks with no letter) is blank; one with a lone surrogate, which no UTF-8 can carry, is
     * refused rather than silently changed on the way out.
     */
    private String checkText(String text) throws InvalidMessageException {
        requireValidUnicode(text, "text");
        if (text.codePoints().allMatch(Names::showsNothingAlone)) {
            throw new InvalidMessageException(Kind.BLANK_TEXT, "text is blank");
        }
        if (text.codePointCount(0, text.length()) > maxText) {
            throw new InvalidMessageException(Kind.TEXT_TOO_LONG, "text is longer than " + maxText + " characters");
        }
        return text;
    }

    static void requireValidUnicode(String value, String field) throws InvalidMessageException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidMessageException(Kind.INVALID_UNICODE, field + " is not valid Unicode");
            }
        }
    }

    private static String requiredString(JsonNode root, String field) throws InvalidMessageException {
        String value = optionalString(root, field);
        if (value == null) {
            throw new InvalidMessageException(Kind.MISSING_FIELD, "missing " + field);
        }
        return value;
    }

    private static String optionalString(JsonNode root, String field) throws InvalidMessageException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidMessageException(Kind.WRONG_FIELD_TYPE, field + " must be a string");
        }
        return node.textValue();
    }

    /** A ban or mute lasts at most this long: thirty days. */
    public static final int MAX_SANCTION_SECONDS = 30 * 24 * 3600;

    private static ClientRequest.Moderate moderate(String action, JsonNode root) throws InvalidMessageException {
        String user = optionalString(root, "user");
        String name = optionalString(root, "name");
        if ((user == null) == (name == null)) {
            throw new InvalidMessageException(Kind.MISSING_FIELD, action + " needs user (a verified user) or name (a guest), not both");
        }
        int seconds = 0;
        if (!action.equals("kick")) {
            JsonNode node = root.get("seconds");
            if (node == null || node.isNull()) {
                throw new InvalidMessageException(Kind.MISSING_FIELD, "missing seconds");
            }
            if (!node.canConvertToInt() || !node.isIntegralNumber() || node.intValue() < 0 || node.intValue() > MAX_SANCTION_SECONDS) {
                throw new InvalidMessageException(Kind.WRONG_FIELD_TYPE, "seconds must be a whole number from 0 to " + MAX_SANCTION_SECONDS);
            }
            seconds = node.intValue();
        }
        return new ClientRequest.Moderate(action, user, name == null ? null : name(name), seconds);
    }

    private static String abbreviate(String value) {
        return value.length() <= 32 ? value : value.substring(0, 32) + "…";
    }
}
