package dev.websocketchat.room;

/**
 * One encoded text frame, shared by every recipient of a broadcast, with its UTF-8 size
 * counted once for the send-queue limits.
 */
record Frame(String text, int bytes) {

    static Frame of(String text) {
        return new Frame(text, utf8Length(text));
    }

    private static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                bytes += 4; // with its low surrogate, which the next iteration skips
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
