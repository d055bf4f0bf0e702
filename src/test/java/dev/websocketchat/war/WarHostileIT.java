package dev.websocketchat.war;

import dev.websocketchat.support.HostileClientContract;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The attacks against the built WAR, in the container of the active Maven profile (see {@link WarChatIT}). */
@ExtendWith(ArquillianExtension.class)
class WarHostileIT extends HostileClientContract {

    @ArquillianResource
    private URL application;

    @Deployment(testable = false)
    static WebArchive war() {
        return ChatWar.asBuilt();
    }

    /** The WAR's HandshakeFilter answers before the container upgrades: 403, 503. */
    @Override
    protected boolean refusesHandshakesWithHttpStatus() {
        return true;
    }

    @Override
    protected URI applicationUri() {
        return ChatWar.root(application);
    }
}
