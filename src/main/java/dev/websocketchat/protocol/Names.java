package dev.websocketchat.protocol;

import java.text.Normalizer;

/** How a display name is cleaned before anyone sees it. */
final class Names {

    static final String ANONYMOUS = "익명";
    static final int MAX_LENGTH = 32;

    private Names() {
    }

    /**
     * Drops control and invisible format characters (bidirectional overrides, zero-width
     * characters), NFC-normalises and trims; missing or empty after that becomes {@value #ANONYMOUS}.
     *
     * @throws InvalidMessageException if more than {@value #MAX_LENGTH} characters remain
     */
    static String clean(String raw) throws InvalidMessageException {
        if (raw == null) {
            return ANONYMOUS;
        }
        StringBuilder kept = new StringBuilder(raw.length());
        raw.codePoints().filter(cp -> !isHidden(cp)).forEach(kept::appendCodePoint);
        // Normalised after the removal: a hidden character between a letter and its accent would
        // otherwise keep them apart in the result ("e\u200b\u0301" must become "\u00e9").
        String name = Normalizer.normalize(kept, Normalizer.Form.NFC).strip();
        if (name.isEmpty()) {
            return ANONYMOUS;
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw new InvalidMessageException(InvalidMessageException.Kind.NAME_TOO_LONG, "name is longer than " + MAX_LENGTH + " characters");
        }
        return name;
    }

    /** Control and invisible format characters: what a name drops, and what alone makes a text blank. */
    static boolean isHidden(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT;
    }
}
