package dev.websocketchat.protocol;

import java.util.List;
import java.util.Map;

/**
 * Where a reconnecting client left off: the handshake's {@code ?since=ID&epoch=E}, the id of the
 * last chat it saw and the epoch that id belongs to. {@link #NONE} when either is missing or
 * malformed; the client then gets the whole buffer, as a new client does.
 */
public record Resume(String epoch, long since) {

    public static final Resume NONE = new Resume("", -1);

    /** @param parameters the handshake's query parameters, as {@code Session.getRequestParameterMap()} gives them */
    public static Resume from(Map<String, List<String>> parameters) {
        String epoch = first(parameters, "epoch");
        String since = first(parameters, "since");
        if (epoch == null || epoch.isEmpty() || since == null) {
            return NONE;
        }
        try {
            long id = Long.parseLong(since);
            return id < 0 ? NONE : new Resume(epoch, id);
        } catch (NumberFormatException e) {
            return NONE;
        }
    }

    public boolean isNone() {
        return since < 0;
    }

    private static String first(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
