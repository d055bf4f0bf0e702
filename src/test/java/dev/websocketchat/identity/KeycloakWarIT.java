package dev.websocketchat.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.war.ChatWar;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built WAR in the embedded Tomcat taking the tokens of a real Keycloak ({@link KeycloakServer}):
 * its settings in its {@code web.xml}, the keys fetched from the realm's JWKS. Alice chats under
 * her own name, enters the private room her token names, Bob cannot, and the moderator's ban holds.
 * Run with {@code ./mvnw verify -Ptomcat-embedded,keycloak -Dit.test='Keycloak*IT'} (.ci/run does).
 */
@ExtendWith(ArquillianExtension.class)
class KeycloakWarIT {

    @ArquillianResource
    private URL application;
    private final List<RawWebSocket> opened = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive signedIn() throws Exception {
        String params = KeycloakServer.shared().chatSettings().entrySet().stream()
                .map(setting -> "<context-param><param-name>" + setting.getKey() + "</param-name><param-value>" + setting.getValue()
                        + "</param-value></context-param>")
                .collect(Collectors.joining("\n"));
        return ChatWar.asBuilt("keycloak.war").addAsWebInfResource(new StringAsset(
                "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">" + params + "</web-app>"), "web.xml");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (RawWebSocket each : opened) {
            each.close();
        }
    }

    private RawWebSocket enter(String room, String token) throws Exception {
        URI app = ChatWar.root(application);
        URI uri = URI.create("ws" + app.toString().substring("http".length())).resolve(room.equals("lobby") ? "chat" : "chat/" + room);
        RawWebSocket raw = RawWebSocket.open(uri);
        opened.add(raw);
        raw.sendText(Tokens.authFrame(token));
        return raw;
    }

    @Test
    void theWarTakesKeycloaksTokens() throws Exception {
        KeycloakServer keycloak = KeycloakServer.shared();
        String alice = keycloak.token("alice", "alice-password");
        String bob = keycloak.token("bob", "bob-password");
        String bobId = KeycloakServer.subjectOf(bob);

        RawWebSocket aliceInLobby = enter("lobby", alice);
        aliceInLobby.textWith("\"type\":\"join\"");
        RawWebSocket bobInLobby = enter("lobby", bob);
        bobInLobby.textWith("\"type\":\"join\"");
        aliceInLobby.sendText("{\"type\":\"chat\",\"text\":\"WAR에서도\"}");
        assertThat(bobInLobby.textWith("WAR에서도")).contains("\"name\":\"Alice Kim\"").contains("\"user\":\"" + KeycloakServer.subjectOf(alice) + "\"");
        enter("staff", alice).textWith("\"type\":\"join\"");
        assertThat(enter("staff", bob).closeWithReason()).isEqualTo("4403 forbidden");

        RawWebSocket mod = enter("lobby", keycloak.token("mod", "mod-password"));
        mod.textWith("\"type\":\"join\"");
        mod.sendText("{\"type\":\"ban\",\"user\":\"" + bobId + "\",\"seconds\":600}");
        assertThat(bobInLobby.closeWithReason()).isEqualTo("4403 banned");
        assertThat(enter("lobby", keycloak.token("bob", "bob-password")).closeWithReason()).isEqualTo("4403 banned");
    }
}
