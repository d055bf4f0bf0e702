package dev.websocketchat.war;

import dev.websocketchat.support.ChatProtocolContract;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol contract against the WAR that {@code ./mvnw package} built, deployed under the
 * context path {@code /websocket-chat} to the Arquillian container of the active Maven profile:
 * embedded Tomcat 10.1 by default; Tomcat, WildFly or Payara, each started as a server of its own.
 */
@ExtendWith(ArquillianExtension.class)
class WarChatIT extends ChatProtocolContract {

    @ArquillianResource
    private URL application;

    @Deployment(testable = false)
    static WebArchive war() {
        return ChatWar.asBuilt();
    }

    /** Embedded Tomcat in the default run: the tomcat-managed profile runs it on the same Tomcat. */
    @Override
    protected String idleTimeoutProvenElsewhere() {
        return System.getProperty("arquillian.launch") == null ? "the tomcat-managed profile runs it on the same Tomcat" : null;
    }

    /** Tomcat, WildFly and Payara all run the WAR's HandshakeFilter before their own upgrade. */
    @Override
    protected boolean refusesForeignOriginsWith403() {
        return true;
    }

    /** The WAR's HandshakeFilter answers a path that names no room before the container upgrades it. */
    @Override
    protected boolean refusesUnknownRoomsWith404() {
        return true;
    }

    /** The embedded Tomcat of the default run sends through the API (see the pom); each container profile through its container. */
    @Override
    protected boolean writesFrames() {
        return Boolean.parseBoolean(System.getProperty("chat.container.writes", "true"));
    }

    @Override
    protected URI applicationUri() {
        return ChatWar.root(application);
    }
}
