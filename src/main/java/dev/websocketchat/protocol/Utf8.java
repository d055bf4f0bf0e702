package dev.websocketchat.protocol;

/** Sizes of text in UTF-8, without encoding it. */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The bytes the characters take in UTF-8. A surrogate pair takes 4, counted on its high half,
     * so text cut between the halves of a pair adds up right; a lone low surrogate counts nothing.
     */
    public static int length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4;
            } else if (!Character.isLowSurrogate(c)) {
                bytes += 3;
            }
        }
        return bytes;
    }
}
