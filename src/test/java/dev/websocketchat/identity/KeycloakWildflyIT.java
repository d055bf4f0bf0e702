package dev.websocketchat.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.war.ChatWar;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WAR in WildFly signing people in through the container's own login, with Keycloak behind it:
 * WildFly's OpenID Connect client ({@code WEB-INF/oidc.json}, {@code auth-method OIDC},
 * bearer-only) checks the Keycloak token a client sends on the handshake, and the server takes the
 * principal the container made, with its {@code moderator} role, as the verified user; the WAR has
 * no JWT setting of its own. Run with
 * {@code ./mvnw verify -Pwildfly,keycloak -Dit.test=KeycloakWildflyIT} (.ci/run does).
 */
@ExtendWith(ArquillianExtension.class)
class KeycloakWildflyIT {

    @ArquillianResource
    private URL application;
    private final List<RawWebSocket> opened = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive containerLogin() throws Exception {
        String oidc = """
                {"client-id": "chat", "provider-url": "%s", "bearer-only": true, "ssl-required": "none",
                 "principal-attribute": "preferred_username"}
                """.formatted(KeycloakServer.shared().issuer());
        String webXml = """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>chat.auth</param-name><param-value>required</param-value></context-param>
                  <security-constraint>
                    <web-resource-collection><web-resource-name>chat</web-resource-name>
                      <url-pattern>/chat</url-pattern><url-pattern>/chat/*</url-pattern></web-resource-collection>
                    <auth-constraint><role-name>**</role-name></auth-constraint>
                  </security-constraint>
                  <login-config><auth-method>OIDC</auth-method></login-config>
                  <security-role><role-name>moderator</role-name></security-role>
                </web-app>
                """;
        return ChatWar.asBuilt("oidc.war").addAsWebInfResource(new StringAsset(oidc), "oidc.json")
                .addAsWebInfResource(new StringAsset(webXml), "web.xml");
    }

    @AfterEach
    void closeAll() throws Exception {
        for (RawWebSocket each : opened) {
            each.close();
        }
    }

    private URI lobby() {
        URI app = ChatWar.root(application);
        return URI.create("ws" + app.toString().substring("http".length())).resolve("chat");
    }

    private RawWebSocket signedIn(String token) throws Exception {
        RawWebSocket raw = RawWebSocket.connect(lobby(), 0);
        opened.add(raw);
        String head = raw.handshake(lobby(), "Host: 127.0.0.1:" + lobby().getPort() + "\r\nSec-WebSocket-Key: " + RawWebSocket.newKey()
                + "\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n"));
        assertThat(head).as("the handshake's answer").startsWith(token == null ? "HTTP/1.1 401" : "HTTP/1.1 101");
        return raw;
    }

    @Test
    void theContainerSignsPeopleInThroughKeycloakAndTheChatTakesWhoItSaysTheyAre() throws Exception {
        KeycloakServer keycloak = KeycloakServer.shared();
        signedIn(null);
        RawWebSocket alice = signedIn(keycloak.token("alice", "alice-password"));
        assertThat(alice.textWith("\"type\":\"join\"")).contains("\"name\":\"alice\"").contains("\"user\":\"alice\"");
        RawWebSocket bob = signedIn(keycloak.token("bob", "bob-password"));
        bob.textWith("\"type\":\"join\"");
        alice.sendText("{\"type\":\"chat\",\"name\":\"bob\",\"text\":\"컨테이너 로그인\"}");
        assertThat(bob.textWith("컨테이너 로그인")).contains("\"name\":\"alice\"").contains("\"user\":\"alice\"");

        RawWebSocket mod = signedIn(keycloak.token("mod", "mod-password"));
        mod.textWith("\"type\":\"join\"");
        mod.sendText("{\"type\":\"ban\",\"user\":\"bob\",\"seconds\":600}");
        assertThat(bob.closeWithReason()).isEqualTo("4403 banned");
        assertThat(signedIn(keycloak.token("bob", "bob-password")).closeWithReason()).as("bob cannot come back").isEqualTo("4403 banned");
    }
}
