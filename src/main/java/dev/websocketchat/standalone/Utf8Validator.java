package dev.websocketchat.standalone;

/**
 * Checks UTF-8 one byte at a time, as it arrives, so that a text message is refused at its first
 * byte that cannot be UTF-8 (RFC 6455, 8.1: "fail the connection") rather than when it ends:
 * RFC 3629's table of well-formed sequences, which also refuses overlong forms, surrogates and
 * anything past U+10FFFF. One per connection, reset at each text message.
 */
final class Utf8Validator {

    /** Continuation bytes still due for the character begun. */
    private int due;
    /** The range the next continuation byte must fall in; narrower than 80..BF only right after a lead byte. */
    private int lower = 0x80;
    private int upper = 0xBF;

    /** Starts a new message. */
    void reset() {
        due = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    /** Takes the next byte; false if no UTF-8 text can go on with it. */
    boolean accept(int b) {
        if (due > 0) {
            if (b < lower || b > upper) {
                return false;
            }
            lower = 0x80;
            upper = 0xBF;
            due--;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            due = 1;
        } else if (b >= 0xE0 && b <= 0xEF) {
            due = 2;
            if (b == 0xE0) {
                lower = 0xA0; // else overlong
            } else if (b == 0xED) {
                upper = 0x9F; // else a surrogate
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            due = 3;
            if (b == 0xF0) {
                lower = 0x90; // else overlong
            } else if (b == 0xF4) {
                upper = 0x8F; // else past U+10FFFF
            }
        } else {
            return false; // a continuation byte first, C0, C1, or F5 and up
        }
        return true;
    }

    /** Whether the text so far ends between characters, as a whole message must. */
    boolean complete() {
        return due == 0;
    }
}
