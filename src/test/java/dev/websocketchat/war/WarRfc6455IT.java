package dev.websocketchat.war;

import dev.websocketchat.support.Rfc6455Contract;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** RFC 6455's server cases against the built WAR, in the container of the active Maven profile (see {@link WarChatIT}). */
@ExtendWith(ArquillianExtension.class)
class WarRfc6455IT extends Rfc6455Contract {

    @ArquillianResource
    private URL application;

    @Deployment(testable = false)
    static WebArchive war() {
        return ChatWar.asBuilt();
    }

    @Override
    protected URI applicationUri() {
        return ChatWar.root(application);
    }
}
