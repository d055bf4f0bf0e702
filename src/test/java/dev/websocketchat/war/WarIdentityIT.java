package dev.websocketchat.war;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.identity.Tokens;
import dev.websocketchat.support.RawWebSocket;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Who is who on the WAR, in every container: the built WAR with {@code CHAT_AUTH=required} in its
 * {@code web.xml} ({@code tokens.war}): tokens prove who connects, private rooms and bans hold.
 * And, in Tomcat, the container's own login ({@code login.war}: BASIC over {@code /chat/*} with
 * a MemoryRealm of two users and a moderator): the principal the container authenticated at the
 * handshake is the verified user, and its {@code moderator} role moderates.
 */
@ExtendWith(ArquillianExtension.class)
class WarIdentityIT {

    private static final String TOKENS = "tokens";
    private static final String LOGIN = "login";
    /** A realm is server configuration in WildFly (Elytron) and Payara (a file realm): this test brings its own only to Tomcat. */
    private static final String TOMCAT_ONLY = "the realm this test brings is Tomcat's; WildFly and Payara configure theirs in the server";

    private final List<RawWebSocket> opened = new ArrayList<>();

    @ArquillianResource
    @OperateOnDeployment(TOKENS)
    private URL tokens;

    @Deployment(name = TOKENS, testable = false)
    static WebArchive tokens() {
        return ChatWar.asBuilt(TOKENS + ".war").addAsWebInfResource(new StringAsset("""
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>chat.auth</param-name><param-value>required</param-value></context-param>
                  <context-param><param-name>chat.jwt.secret</param-name><param-value>%s</param-value></context-param>
                  <context-param><param-name>chat.private.rooms</param-name><param-value>staff</param-value></context-param>
                </web-app>
                """.formatted(Tokens.SECRET)), "web.xml");
    }

    @Deployment(name = LOGIN, testable = false)
    static WebArchive login() {
        String users = new File("src/test/resources/war-users.xml").getAbsolutePath();
        return ChatWar.asBuilt(LOGIN + ".war")
                .addAsManifestResource(new StringAsset("<Context><JarScanner scanClassPath=\"false\"/>"
                        + "<Realm className=\"org.apache.catalina.realm.MemoryRealm\" pathname=\"" + users + "\"/></Context>"), "context.xml")
                .addAsWebInfResource(new StringAsset("""
                        <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                          <context-param><param-name>chat.auth</param-name><param-value>required</param-value></context-param>
                          <security-constraint>
                            <web-resource-collection><web-resource-name>chat</web-resource-name><url-pattern>/chat/*</url-pattern>
                              <url-pattern>/chat</url-pattern></web-resource-collection>
                            <auth-constraint><role-name>chat</role-name></auth-constraint>
                          </security-constraint>
                          <login-config><auth-method>BASIC</auth-method><realm-name>chat</realm-name></login-config>
                          <security-role><role-name>chat</role-name></security-role>
                          <security-role><role-name>moderator</role-name></security-role>
                        </web-app>
                        """), "web.xml");
    }

    @AfterEach
    void closeAll() throws IOException {
        for (RawWebSocket each : opened) {
            each.close();
        }
    }

    private static URI chat(URL application, String room) {
        URI app = ChatWar.root(application);
        return URI.create("ws" + app.toString().substring("http".length())).resolve(room.equals("lobby") ? "chat" : "chat/" + room);
    }

    private RawWebSocket open(URI uri, String headers) throws IOException {
        RawWebSocket raw = RawWebSocket.connect(uri, 0);
        opened.add(raw);
        String head = raw.handshake(uri, "Host: 127.0.0.1:" + uri.getPort() + "\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n" + headers);
        assertThat(head).startsWith("HTTP/1.1 101");
        return raw;
    }

    private RawWebSocket enter(String room, String token) throws IOException {
        RawWebSocket raw = open(chat(tokens, room), "");
        raw.sendText(Tokens.authFrame(token));
        return raw;
    }

    @Test
    void aTokenProvesWhoConnectsAndABadOneIsClosed4401() throws IOException {
        RawWebSocket alice = enter("lobby", Tokens.token("u-alice", "영희"));
        alice.textWith("\"type\":\"join\"");
        RawWebSocket bob = enter("lobby", Tokens.token("u-bob", "Bob"));
        assertThat(bob.textWith("\"type\":\"history\"")).contains("{\"name\":\"영희\",\"connections\":1,\"user\":\"u-alice\"}");
        alice.sendText("{\"type\":\"chat\",\"name\":\"Bob\",\"text\":\"hi\"}");
        assertThat(bob.textWith("\"type\":\"chat\"")).contains("\"name\":\"영희\"").contains("\"user\":\"u-alice\"");

        RawWebSocket forged = enter("lobby", Tokens.token("u-x", "x").replaceFirst("\\.[^.]+$", ".AAAA"));
        assertThat(forged.closeWithReason()).isEqualTo("4401 token signature not valid");
        RawWebSocket chatsFirst = open(chat(tokens, "lobby"), "");
        chatsFirst.sendText("{\"type\":\"chat\",\"text\":\"let me in\"}");
        assertThat(chatsFirst.closeWithReason()).isEqualTo("4401 token missing");
        assertThat(enter("staff", Tokens.token("u-bob", "Bob")).closeWithReason()).isEqualTo("4403 forbidden");
    }

    /** A connection that never proves who it is is closed 10 s after its handshake, never having been counted. */
    @Test
    void aConnectionThatNeverSignsInIsClosedWith4401AfterTenSeconds() throws IOException {
        RawWebSocket silent = open(chat(tokens, "lobby"), "");
        long started = System.nanoTime();
        assertThat(silent.closeWithReason()).isEqualTo("4401 token missing");
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isBetween(java.time.Duration.ofSeconds(9),
                java.time.Duration.ofSeconds(15));
    }

    @Test
    @DisabledIfSystemProperty(named = "arquillian.launch", matches = "wildfly|payara", disabledReason = TOMCAT_ONLY)
    void theContainersLoginIsTheVerifiedUserAndItsModeratorRoleModerates(@ArquillianResource @OperateOnDeployment(LOGIN) URL login)
            throws IOException {
        RawWebSocket nobody = RawWebSocket.connect(chat(login, "lobby"), 0);
        opened.add(nobody);
        assertThat(nobody.handshake(chat(login, "lobby"), "Host: 127.0.0.1\r\nSec-WebSocket-Key: " + RawWebSocket.newKey() + "\r\n"))
                .as("no login, no handshake").startsWith("HTTP/1.1 401");

        RawWebSocket alice = open(chat(login, "lobby"), basic("alice", "alice-password"));
        assertThat(alice.textWith("\"type\":\"join\"")).contains("\"name\":\"alice\"").contains("\"user\":\"alice\"");
        RawWebSocket mod = open(chat(login, "lobby"), basic("mod", "mod-password"));
        mod.textWith("\"type\":\"join\"");
        mod.sendText("{\"type\":\"ban\",\"user\":\"alice\",\"seconds\":600}");
        assertThat(alice.closeWithReason()).isEqualTo("4403 banned");
        RawWebSocket back = open(chat(login, "lobby"), basic("alice", "alice-password"));
        assertThat(back.closeWithReason()).as("alice cannot come back").isEqualTo("4403 banned");
        RawWebSocket bob = open(chat(login, "lobby"), basic("bob", "bob-password"));
        bob.sendText("{\"type\":\"ban\",\"user\":\"mod\",\"seconds\":600}");
        assertThat(bob.textWith("\"type\":\"error\"")).as("bob does not moderate").contains("not_moderator");
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }
}
