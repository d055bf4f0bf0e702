package dev.websocketchat.war;

import dev.websocketchat.support.ChatProtocolContract;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol contract against the WAR that {@code ./mvnw package} built, deployed under the
 * context path {@code /websocket-chat} to embedded Tomcat 10.1 in this JVM.
 */
@ExtendWith(ArquillianExtension.class)
class TomcatChatIT extends ChatProtocolContract {

    static {
        // The WAR reads its configuration from system properties; embedded Tomcat shares this JVM.
        TEST_SETTINGS.forEach(System::setProperty);
    }

    @ArquillianResource
    private URL application;

    @Deployment(testable = false)
    static WebArchive war() {
        File built = new File(System.getProperty("chat.war", "target/websocket-chat.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, built)
                // Embedded Tomcat would otherwise scan this JVM's whole class path (Tyrus included)
                // for initializers; a real Tomcat sees only the WAR.
                .addAsManifestResource(new StringAsset("<Context><JarScanner scanClassPath=\"false\"/></Context>"),
                        "context.xml");
    }

    @Override
    protected URI applicationUri() {
        try {
            return application.toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
