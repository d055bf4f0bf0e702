package org.glassfish.tyrus.container.grizzly.server;

import org.glassfish.grizzly.http.server.AddOn;
import org.glassfish.tyrus.spi.ServerContainer;

/**
 * Opens up Tyrus's {@link WebSocketAddOn}, whose source says it is kept public "to allow other
 * developers use this with their own GrizzlyServerContainer alternative" (TYRUS-317) but whose
 * constructor is package-private in Tyrus 2.x. Standalone jar only (the runnable jar runs on the
 * class path, where this split package is allowed); the WAR build leaves it out.
 */
public final class TyrusAddOns {

    private TyrusAddOns() {
    }

    public static AddOn webSocket(ServerContainer container, String contextPath) {
        return new WebSocketAddOn(container, contextPath);
    }
}
