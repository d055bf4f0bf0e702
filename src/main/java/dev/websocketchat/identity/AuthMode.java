package dev.websocketchat.identity;

import java.util.Locale;

/** {@code CHAT_AUTH}: whether connections prove who they are. */
public enum AuthMode {
    /** Names are typed freely, as the tutorial does; tokens and logins are not looked at. The default. */
    OFF,
    /** Guests chat as with {@link #OFF}; a connection that proves who it is is marked, and nobody can pass for it. */
    OPTIONAL,
    /** Only connections that prove who they are are admitted. */
    REQUIRED;

    /** {@code off}, {@code optional} or {@code required}, in any case. */
    public static AuthMode of(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("CHAT_AUTH must be off, optional or required, not '" + value + "'", e);
        }
    }
}
