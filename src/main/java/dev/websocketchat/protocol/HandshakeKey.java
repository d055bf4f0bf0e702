package dev.websocketchat.protocol;

import java.util.Base64;

/** RFC 6455 4.1: a client's {@code Sec-WebSocket-Key} is a random 16-byte value in base64, 24 characters. */
public final class HandshakeKey {

    private static final int KEY_BYTES = 16;
    private static final int KEY_CHARACTERS = 24;

    private HandshakeKey() {
    }

    /** Whether the header value is such a key; null (no header) is not. */
    public static boolean isValid(String key) {
        if (key == null || key.length() != KEY_CHARACTERS) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }
}
