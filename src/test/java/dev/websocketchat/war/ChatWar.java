package dev.websocketchat.war;

import dev.websocketchat.support.ChatProtocolContract;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR that {@code ./mvnw package} built, ready for embedded Tomcat. */
public final class ChatWar {

    static {
        // The WAR reads its configuration from system properties; embedded Tomcat shares this JVM.
        ChatProtocolContract.TEST_SETTINGS.forEach(System::setProperty);
    }

    private ChatWar() {
    }

    /**
     * The deployed application's root, as Arquillian hands it to a test, on loopback: every
     * container of the tests listens there only, and Payara Micro names the machine's own
     * address in the URL it reports, whatever it is bound to.
     */
    public static URI root(URL application) {
        try {
            URI reported = application.toURI();
            return new URI(reported.getScheme(), null, "127.0.0.1", reported.getPort(), reported.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static WebArchive asBuilt() {
        return asBuilt("websocket-chat.war");
    }

    /** The built WAR under another name, so it deploys under another context path beside the first. */
    public static WebArchive asBuilt(String name) {
        File built = new File(System.getProperty("chat.war", "target/websocket-chat.war"));
        return ShrinkWrap.create(WebArchive.class, name).merge(ShrinkWrap.createFromZipFile(WebArchive.class, built))
                // Embedded Tomcat would otherwise scan this JVM's whole class path (Tyrus included)
                // for initializers; a real Tomcat sees only the WAR.
                .addAsManifestResource(new StringAsset("<Context><JarScanner scanClassPath=\"false\"/></Context>"),
                        "context.xml");
    }
}
