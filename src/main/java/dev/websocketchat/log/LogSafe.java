package dev.websocketchat.log;

/**
 * Client text made safe for a log line: whatever a client sent (a chat, a header, an origin)
 * goes through {@link #text} before it reaches a logger, so that one record stays one line and
 * nobody can forge a line or hide text. Escaped: CR, LF, tab and every other C0 and C1 control
 * character, DEL, the line and paragraph separators, the bidirectional controls that reorder
 * what a terminal shows, and the backslash itself, so that an escape in the log is always ours.
 */
public final class LogSafe {

    private LogSafe() {
    }

    /** The text escaped and cut to {@code maxCodePoints} (marked with "…"); "null" for null. */
    public static String text(String raw, int maxCodePoints) {
        if (raw == null) {
            return "null";
        }
        StringBuilder safe = new StringBuilder(Math.min(raw.length(), maxCodePoints) + 8);
        int kept = 0;
        for (int i = 0; i < raw.length(); ) {
            if (kept == maxCodePoints) {
                return safe.append('…').toString();
            }
            int cp = raw.codePointAt(i);
            i += Character.charCount(cp);
            kept++;
            appendEscaped(safe, cp);
        }
        return safe.toString();
    }

    /** The text escaped, cut to 200 code points. */
    public static String text(String raw) {
        return text(raw, 200);
    }

    private static void appendEscaped(StringBuilder safe, int cp) {
        switch (cp) {
            case '\\' -> safe.append("\\\\");
            case '\n' -> safe.append("\\n");
            case '\r' -> safe.append("\\r");
            case '\t' -> safe.append("\\t");
            default -> {
                if (needsEscape(cp)) {
                    safe.append(String.format("\\u%04x", cp));
                } else {
                    safe.appendCodePoint(cp);
                }
            }
        }
    }

    private static boolean needsEscape(int cp) {
        return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) // C0, DEL, C1
                || cp == 0x2028 || cp == 0x2029 // line and paragraph separators
                || cp == 0x061c || cp == 0x200e || cp == 0x200f // bidi marks
                || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) // bidi embeddings, overrides, isolates
                || Character.getType(cp) == Character.SURROGATE; // a lone surrogate
    }
}
