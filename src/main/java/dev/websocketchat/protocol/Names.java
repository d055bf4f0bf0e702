package dev.websocketchat.protocol;

import java.lang.Character.UnicodeScript;
import java.text.Normalizer;
import java.util.EnumSet;
import java.util.Set;

/** How a display name is cleaned before anyone sees it, and which characters show nothing. */
final class Names {

    static final String ANONYMOUS = "익명";
    static final int MAX_LENGTH = 32;

    /**
     * Letters that draw nothing: the Hangul fillers (choseong, jungseong, compatibility and
     * half-width), the blank Braille pattern, the combining grapheme joiner, and the Khmer
     * inherent vowels. Unicode lists them as Default_Ignorable or draws them blank, though their
     * categories say letter or mark.
     */
    private static final Set<Integer> BLANK_LETTERS = Set.of(0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x17B4, 0x17B5);

    /**
     * Scripts a name may mix with Latin, as Chinese, Japanese and Korean are written; any other
     * mixture (Latin with Cyrillic or Greek, say) is how a look-alike name is made ({@code аlice}
     * with a Cyrillic {@code а}), after Unicode's "highly restrictive" profile (UTS #39).
     */
    private static final Set<UnicodeScript> EAST_ASIAN = EnumSet.of(UnicodeScript.LATIN, UnicodeScript.HAN, UnicodeScript.HANGUL,
            UnicodeScript.HIRAGANA, UnicodeScript.KATAKANA, UnicodeScript.BOPOMOFO);

    /** What the server's join and leave notices say, spaces removed: a name may not say it too. */
    private static final String[] NOTICES = {"새로운유저접속", "유저연결해제", "[현재:"};

    private Names() {
    }

    /**
     * Drops control, invisible format and blank characters (bidirectional overrides, zero-width
     * characters, Hangul fillers), normalises to NFKC (so full-width and styled letters are the
     * plain ones, and a no-break space a space), drops what that made blank, collapses white
     * space and trims; missing or empty after that becomes {@value #ANONYMOUS}.
     *
     * @throws InvalidMessageException if more than {@value #MAX_LENGTH} characters remain, if the
     *         name mixes scripts as look-alikes do, or if it reads like a server notice
     */
    static String clean(String raw) throws InvalidMessageException {
        if (raw == null) {
            return ANONYMOUS;
        }
        // Normalised after the removal: a hidden character between a letter and its accent would
        // otherwise keep them apart in the result ("e\u200b\u0301" must become "\u00e9"); and
        // removed again after it, since NFKC turns U+3164 into the filler U+1160.
        String name = visible(Normalizer.normalize(visible(raw), Normalizer.Form.NFKC)).replaceAll("\\s+", " ").strip();
        if (name.isEmpty()) {
            return ANONYMOUS;
        }
        if (name.codePointCount(0, name.length()) > MAX_LENGTH) {
            throw new InvalidMessageException(InvalidMessageException.Kind.NAME_TOO_LONG, "name is longer than " + MAX_LENGTH + " characters");
        }
        if (mixesScripts(name)) {
            throw new InvalidMessageException(InvalidMessageException.Kind.MIXED_SCRIPTS, "name mixes look-alike scripts");
        }
        String unspaced = name.replace(" ", "");
        for (String notice : NOTICES) {
            if (unspaced.contains(notice)) {
                throw new InvalidMessageException(InvalidMessageException.Kind.IMITATES_NOTICE, "name reads like a server notice");
            }
        }
        return name;
    }

    /** Control, invisible format and blank characters: what a name drops, and what alone (with white space) makes a text blank. */
    static boolean isHidden(int codePoint) {
        int type = Character.getType(codePoint);
        return type == Character.CONTROL || type == Character.FORMAT || BLANK_LETTERS.contains(codePoint);
    }

    /**
     * Whether the code point draws nothing on its own: white space (no-break spaces included),
     * hidden characters, and marks, which only ever draw on the letter before them.
     */
    static boolean showsNothingAlone(int codePoint) {
        int type = Character.getType(codePoint);
        return Character.isWhitespace(codePoint) || type == Character.SPACE_SEPARATOR || isHidden(codePoint)
                || type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK;
    }

    private static String visible(CharSequence text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !isHidden(cp)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    private static boolean mixesScripts(String name) {
        Set<UnicodeScript> scripts = EnumSet.noneOf(UnicodeScript.class);
        name.codePoints().filter(Character::isLetter).mapToObj(UnicodeScript::of)
                .filter(script -> script != UnicodeScript.COMMON && script != UnicodeScript.INHERITED).forEach(scripts::add);
        return scripts.size() > 1 && !EAST_ASIAN.containsAll(scripts);
    }
}
