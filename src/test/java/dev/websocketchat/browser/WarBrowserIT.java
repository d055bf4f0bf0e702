package dev.websocketchat.browser;

import dev.websocketchat.war.ChatWar;
import java.net.URI;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The browser scenarios against the built WAR, under a context path, in the container of the active profile. */
@ExtendWith(ArquillianExtension.class)
class WarBrowserIT extends BrowserScenarios {

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
