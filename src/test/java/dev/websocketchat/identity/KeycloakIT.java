package dev.websocketchat.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.support.RedisServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The identity scenarios with a real OpenID provider: people signed in through Keycloak (the
 * password grant; see {@link KeycloakServer}) chat under their own names in the lobby, a private
 * room and a direct conversation; a moderator bans a troublemaker, who cannot come back; and
 * nobody else passes for any of them. On the jar, and on two instances joined through a real
 * {@code redis-server}. The WAR's run is {@code KeycloakWarIT}. In the {@code keycloak} profile,
 * which {@code .ci/run} runs.
 */
class KeycloakIT {

    private static KeycloakServer keycloak;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void signInServer() throws Exception {
        keycloak = KeycloakServer.shared();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private ChatServer server(Map<String, String> more) throws IOException {
        Map<String, String> settings = new HashMap<>(keycloak.chatSettings());
        settings.putAll(more);
        ChatServer server = LocalServer.start(settings);
        opened.add(server);
        return server;
    }

    private RawWebSocket enter(ChatServer server, String room, String token) throws IOException {
        RawWebSocket raw = Tokens.enter(LocalServer.room(server, room, "typed"), token);
        opened.add(raw);
        return raw;
    }

    @Test
    void onTheJarPeopleSignedInThroughKeycloakChatAsThemselves() throws Exception {
        ChatServer jar = server(Map.of());
        scenario(jar, jar);
    }

    @Test
    void onTwoInstancesOfAClusterTheyAreTheSamePeopleEverywhere() throws Exception {
        RedisServer redis = RedisServer.start();
        opened.add(redis);
        Map<String, String> cluster = Map.of("chat.redis.url", redis.url());
        scenario(server(cluster), server(cluster));
    }

    /** Alice on {@code a}, Bob and the moderator on {@code b} (the same server, or two instances of a cluster). */
    private void scenario(ChatServer a, ChatServer b) throws Exception {
        String alice = keycloak.token("alice", "alice-password");
        String bob = keycloak.token("bob", "bob-password");
        String mod = keycloak.token("mod", "mod-password");
        String aliceId = KeycloakServer.subjectOf(alice);
        String bobId = KeycloakServer.subjectOf(bob);

        RawWebSocket aliceInLobby = enter(a, "lobby", alice);
        aliceInLobby.textWith("\"type\":\"join\"");
        RawWebSocket bobInLobby = enter(b, "lobby", bob);
        assertThat(bobInLobby.textWith("\"type\":\"history\"")).contains("{\"name\":\"Alice Kim\",\"connections\":1,\"user\":\"" + aliceId + "\"}");
        aliceInLobby.sendText("{\"type\":\"chat\",\"name\":\"Bob Lee\",\"text\":\"안녕하세요\"}");
        assertThat(bobInLobby.textWith("안녕하세요")).as("under her own name, whatever she types")
                .contains("\"name\":\"Alice Kim\"").contains("\"user\":\"" + aliceId + "\"");

        RawWebSocket aliceInStaff = enter(a, "staff", alice);
        aliceInStaff.textWith("\"type\":\"join\"");
        assertThat(enter(b, "staff", bob).closeWithReason()).as("bob's token does not open staff").isEqualTo("4403 forbidden");
        RawWebSocket modInStaff = enter(b, "staff", mod);
        assertThat(modInStaff.textWith("\"type\":\"history\"")).as("a moderator enters every room").contains("Alice Kim");

        RawWebSocket aliceToBob = enter(a, "@" + bobId, alice);
        aliceToBob.textWith("\"type\":\"join\"");
        aliceToBob.sendText("{\"type\":\"chat\",\"text\":\"우리끼리\"}");
        aliceToBob.textWith("우리끼리");
        RawWebSocket bobToAlice = enter(b, "@" + aliceId, bob);
        assertThat(bobToAlice.textWith("\"type\":\"history\"")).as("one conversation, whoever opens it").contains("우리끼리");

        String forged = Tokens.rs256(Tokens.with(Tokens.claims(aliceId, "Alice Kim"), c -> c.issuer(keycloak.issuer())),
                Tokens.anotherRsaKey("forged"));
        assertThat(enter(b, "lobby", forged).closeWithReason()).as("nobody passes for alice").isEqualTo("4401 token signature not valid");

        RawWebSocket modInLobby = enter(a, "lobby", mod);
        modInLobby.textWith("\"type\":\"join\"");
        modInLobby.sendText("{\"type\":\"ban\",\"user\":\"" + bobId + "\",\"seconds\":600}");
        assertThat(bobInLobby.textWith("\"type\":\"moderation\"")).contains("\"by\":\"Mo Derator\"");
        assertThat(bobInLobby.closeWithReason()).isEqualTo("4403 banned");
        assertThat(enter(a, "lobby", keycloak.token("bob", "bob-password")).closeWithReason()).as("bob cannot come back").isEqualTo("4403 banned");
        bobToAlice.sendText("{\"type\":\"ping\"}");
        assertThat(bobToAlice.textWith("\"type\":\"pong\"")).as("banned from the lobby only").isNotNull();
    }
}
