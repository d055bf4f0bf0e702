package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.websocketchat.identity.Tokens;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.RawWebSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who is who across instances joined through a real {@code redis-server}: a verified user is the
 * same user on every instance (nobody passes for them anywhere), and a moderator's ban on one
 * instance closes the troublemaker on another and keeps them out of every instance, one opened
 * after the ban included.
 */
class ClusterIdentityTest {

    private static final Map<String, String> REQUIRED = Map.of("chat.auth", "required", "chat.jwt.secret", Tokens.SECRET);

    @RegisterExtension
    final TestCluster cluster = new TestCluster();
    private final List<RawWebSocket> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (RawWebSocket each : opened) {
            each.close();
        }
    }

    private RawWebSocket enter(ChatServer server, String room, String token) throws IOException {
        RawWebSocket raw = Tokens.enter(LocalServer.room(server, room, "typed"), token);
        opened.add(raw);
        return raw;
    }

    @Test
    void aVerifiedUserIsTheSameUserOnEveryInstance() throws Exception {
        ChatServer a = cluster.instance(REQUIRED);
        ChatServer b = cluster.instance(REQUIRED);
        RawWebSocket alice = enter(a, "lobby", Tokens.token("u-alice", "영희"));
        alice.textWith("\"type\":\"join\"");
        RawWebSocket bob = enter(b, "lobby", Tokens.token("u-bob", "Bob"));
        assertThat(bob.textWith("\"type\":\"history\"")).contains("{\"name\":\"영희\",\"connections\":1,\"user\":\"u-alice\"}");
        assertThat(alice.textWith("\"type\":\"join\"")).contains("\"user\":\"u-bob\"");

        alice.sendText("{\"type\":\"chat\",\"name\":\"Bob\",\"text\":\"from a\"}");
        assertThat(bob.textWith("\"type\":\"chat\"")).contains("\"name\":\"영희\"").contains("\"user\":\"u-alice\"");

        RawWebSocket talk = enter(b, "@u-alice", Tokens.token("u-bob", "Bob"));
        talk.textWith("\"type\":\"join\"");
        talk.sendText("{\"type\":\"chat\",\"text\":\"just us\"}");
        talk.textWith("just us");
        RawWebSocket reply = enter(a, "@u-bob", Tokens.token("u-alice", "영희"));
        assertThat(reply.textWith("\"type\":\"history\"")).as("one conversation across instances").contains("just us");
    }

    @Test
    void aBanOnOneInstanceClosesAndKeepsOutTheUserOnEveryInstance() throws Exception {
        ChatServer a = cluster.instance(REQUIRED);
        ChatServer b = cluster.instance(REQUIRED);
        JWTClaimsSet moderator = Tokens.with(Tokens.claims("u-mod", "Mod"), c -> c.claim("roles", List.of("moderator")));
        RawWebSocket mod = enter(a, "design", Tokens.hs256(moderator));
        mod.textWith("\"type\":\"join\"");
        RawWebSocket troll = enter(b, "design", Tokens.token("u-troll", "Troll"));
        troll.textWith("\"type\":\"join\"");
        mod.textWith("\"user\":\"u-troll\"");

        mod.sendText("{\"type\":\"ban\",\"user\":\"u-troll\",\"seconds\":600}");
        assertThat(troll.textWith("\"type\":\"moderation\"")).contains("\"action\":\"ban\"").contains("\"by\":\"Mod\"");
        assertThat(troll.closeWithReason()).isEqualTo("4403 banned");
        assertThat(mod.textWith("\"type\":\"leave\"")).contains("\"user\":\"u-troll\"");

        assertThat(enter(a, "design", Tokens.token("u-troll", "Troll")).closeWithReason()).isEqualTo("4403 banned");
        ChatServer c = cluster.instance(REQUIRED);
        RawWebSocket bystander = enter(c, "design", Tokens.token("u-by", "By"));
        bystander.textWith("\"type\":\"join\"");
        assertThat(enter(c, "design", Tokens.token("u-troll", "Troll")).closeWithReason())
                .as("an instance that opened the room after the ban keeps the troll out too").isEqualTo("4403 banned");
    }
}
