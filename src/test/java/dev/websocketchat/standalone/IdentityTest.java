package dev.websocketchat.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.websocketchat.identity.Tokens;
import dev.websocketchat.support.Await;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.LogCapture;
import dev.websocketchat.support.RawWebSocket;
import dev.websocketchat.support.Scrape;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who is who, end to end on the standalone server: connections prove who they are with real
 * tokens (HS256 here; {@code GateTest} has every algorithm and attack on the tokens themselves),
 * and the wire shows it. Raw WebSocket clients, so that every frame and close is seen as sent.
 */
class IdentityTest {

    private ChatServer server;
    private final List<RawWebSocket> opened = new ArrayList<>();
    private final LogCapture logs = LogCapture.of(List.of(Logger.getLogger("dev.websocketchat")), Level.ALL, record -> true);

    @AfterEach
    void stop() throws IOException {
        logs.close();
        for (RawWebSocket each : opened) {
            each.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void start(String mode, Map<String, String> more) throws IOException {
        Map<String, String> settings = new HashMap<>(Map.of("chat.auth", mode, "chat.jwt.secret", Tokens.SECRET,
                "chat.jwt.issuer", Tokens.ISSUER, "chat.jwt.audience", Tokens.AUDIENCE));
        settings.putAll(more);
        server = LocalServer.start(settings);
    }

    /** A connection to the room that proves it is the user, under the name, and has read its own join. */
    private RawWebSocket signedIn(String room, String user, String name) throws IOException {
        RawWebSocket raw = connect(room, "typed");
        raw.sendText(Tokens.authFrame(Tokens.token(user, name)));
        raw.textWith("\"type\":\"join\"");
        return raw;
    }

    private RawWebSocket connect(String room, String name) throws IOException {
        RawWebSocket raw = RawWebSocket.open(LocalServer.room(server, room, name));
        opened.add(raw);
        return raw;
    }



    @Test
    void aTokenInTheFirstFrameAdmitsItsUserUnderTheNameItProves() throws IOException {
        start("required", Map.of());
        RawWebSocket bob = signedIn("lobby", "u-bob", "Bob");

        RawWebSocket alice = connect("lobby", "mallory");
        alice.sendText(Tokens.authFrame(Tokens.token("u-alice", "영희")));
        String history = alice.textWith("\"type\":\"history\"");
        assertThat(history).contains("{\"name\":\"영희\",\"connections\":1,\"user\":\"u-alice\"}")
                .contains("{\"name\":\"Bob\",\"connections\":1,\"user\":\"u-bob\"}").doesNotContain("mallory");
        assertThat(bob.textWith("\"type\":\"join\"")).contains("\"name\":\"영희\"").contains("\"user\":\"u-alice\"");

        alice.sendText("{\"type\":\"chat\",\"name\":\"Bob\",\"text\":\"hi\"}");
        assertThat(bob.textWith("\"type\":\"chat\"")).contains("\"name\":\"영희\"").contains("\"user\":\"u-alice\"");
        alice.sendText("{\"type\":\"rename\",\"name\":\"Bob\"}");
        assertThat(alice.textWith("\"type\":\"error\"")).contains("\"code\":\"name_verified\"");
        alice.reset();
        assertThat(bob.textWith("\"type\":\"leave\"")).contains("\"user\":\"u-alice\"");
    }

    @Test
    void nothingHappensBeforeTheProofAndABadOneIsClosed4401WithItsReasonAndNeverLogged() throws IOException {
        start("required", Map.of());
        RawWebSocket observer = signedIn("lobby", "u-o", "observer");

        RawWebSocket chatsFirst = connect("lobby", "x");
        chatsFirst.sendText("{\"type\":\"chat\",\"text\":\"let me in\"}");
        assertThat(chatsFirst.closeWithReason()).isEqualTo("4401 token missing");

        Instant past = Instant.now().minus(Duration.ofMinutes(5));
        String expired = Tokens.hs256(Tokens.with(Tokens.claims("u-x", "x"), c -> c.expirationTime(Date.from(past))));
        String forged = Tokens.token("u-x", "x").replaceFirst("\\.[^.]+$", ".AAAA");
        Map<String, String> refusals = Map.of(expired, "4401 token expired", forged, "4401 token signature not valid",
                "garbage", "4401 token malformed", "x".repeat(20 * 1024), "4401 token malformed");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            RawWebSocket raw = connect("lobby", "x");
            raw.sendText(Tokens.authFrame(refusal.getKey()));
            assertThat(raw.closeWithReason()).isEqualTo(refusal.getValue());
        }
        RawWebSocket huge = connect("lobby", "x"); // over CHAT_MAX_FRAME: the frame scanner aborts it, as any frame too big before admission
        huge.sendText(Tokens.authFrame("x".repeat(100 * 1024)));
        assertThat(huge.closeWithReason()).isEqualTo("no close frame");
        observer.sendText("{\"type\":\"ping\"}");
        assertThat(observer.textWith("\"type\":\"pong\"")).as("the observer heard of nobody before its pong").isEqualTo("{\"type\":\"pong\"}");
        assertThat(Scrape.of(LocalServer.root(server)).value("chat_rejected_total{reason=\"unauthenticated\"}")).isEqualTo(5);
        for (LogRecord record : logs.records()) {
            String line = String.valueOf(record.getMessage()) + record.getThrown();
            assertThat(line).doesNotContain(expired).doesNotContain(forged.substring(0, 40)).doesNotContain("xxxxxxxxxx");
        }
    }

    @Test
    void aBearerTokenOnTheHandshakeIsProofEnough() throws IOException {
        start("required", Map.of());
        URI uri = LocalServer.room(server, "lobby", "x");
        RawWebSocket raw = RawWebSocket.connect(uri, 0);
        opened.add(raw);
        String head = raw.handshake(uri, "Host: 127.0.0.1:" + uri.getPort() + "\r\nSec-WebSocket-Key: " + RawWebSocket.newKey()
                + "\r\nAuthorization: Bearer " + Tokens.token("u-api", "robot") + "\r\n");
        assertThat(head).startsWith("HTTP/1.1 101");
        assertThat(raw.textWith("\"type\":\"join\"")).contains("\"name\":\"robot\"").contains("\"user\":\"u-api\"");
    }

    @Test
    void aPrivateRoomAdmitsOnlyTheUsersItsTokenNamesAndModeratorsAndIsNeverListed() throws IOException, InterruptedException {
        start("optional", Map.of("chat.private.rooms", "staff"));
        JWTClaimsSet member = Tokens.with(Tokens.claims("u-m", "member"), c -> c.claim("rooms", List.of("staff")));
        JWTClaimsSet moderator = Tokens.with(Tokens.claims("u-mod", "mod"), c -> c.claim("roles", List.of("moderator")));
        RawWebSocket inside = connect("staff", "x");
        inside.sendText(Tokens.authFrame(Tokens.hs256(member)));
        inside.textWith("\"type\":\"join\"");
        RawWebSocket mod = connect("staff", "x");
        mod.sendText(Tokens.authFrame(Tokens.hs256(moderator)));
        mod.textWith("\"type\":\"join\"");

        RawWebSocket lobby = connect("lobby", "x");
        lobby.sendText("{\"type\":\"auth\"}");
        lobby.textWith("\"type\":\"join\"");
        RawWebSocket guest = connect("staff", "guest");
        guest.sendText("{\"type\":\"auth\"}");
        assertThat(guest.closeWithReason()).isEqualTo("4403 forbidden");
        RawWebSocket other = connect("staff", "x");
        other.sendText(Tokens.authFrame(Tokens.token("u-other", "other")));
        assertThat(other.closeWithReason()).isEqualTo("4403 forbidden");

        String rooms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(LocalServer.root(server).resolve("rooms")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(rooms).as("GET /rooms").contains("\"room\":\"lobby\"").doesNotContain("staff");
    }

    @Test
    void inOptionalModeAGuestChatsAsTodayAndCannotPassForAVerifiedUser() throws IOException {
        start("optional", Map.of());
        RawWebSocket verified = signedIn("lobby", "u-1", "영희");

        RawWebSocket guest = connect("lobby", "철수");
        guest.sendText("Hello");
        assertThat(verified.textWith("\"type\":\"join\"")).contains("\"name\":\"철수\"").doesNotContain("\"user\"");
        assertThat(verified.textWith("\"type\":\"chat\"")).contains("\"text\":\"Hello\"").doesNotContain("\"user\"");

        guest.sendText("{\"type\":\"rename\",\"name\":\"영희\"}");
        assertThat(guest.textWith("\"type\":\"error\"")).contains("\"code\":\"name_held\"");
        guest.sendText("{\"type\":\"chat\",\"name\":\"영희\",\"text\":\"나야\",\"cid\":\"c1\"}");
        assertThat(guest.textWith("\"type\":\"error\"")).contains("\"code\":\"name_held\"").contains("\"cid\":\"c1\"");

        RawWebSocket impostor = connect("lobby", "영희");
        impostor.sendText("{\"type\":\"auth\"}");
        assertThat(verified.textWith("\"type\":\"join\"")).as("admitted under no name rather than hers")
                .contains("\"name\":\"익명\"").doesNotContain("\"user\"");
    }

    @Test
    void aTokenThatExpiresUnrenewedClosesWith4401AndARenewalKeepsItOpen() throws IOException {
        start("required", Map.of());
        Instant soon = Instant.now().plusSeconds(2);
        RawWebSocket lapses = connect("lobby", "x");
        lapses.sendText(Tokens.authFrame(Tokens.hs256(Tokens.with(Tokens.claims("u-1", "a"), c -> c.expirationTime(Date.from(soon))))));
        lapses.textWith("\"type\":\"join\"");
        RawWebSocket renews = connect("lobby", "x");
        renews.sendText(Tokens.authFrame(Tokens.hs256(Tokens.with(Tokens.claims("u-2", "b"), c -> c.expirationTime(Date.from(soon))))));
        renews.textWith("\"type\":\"join\"");
        renews.sendText(Tokens.authFrame(Tokens.token("u-2", "b")));

        assertThat(lapses.closeWithReason()).isEqualTo("4401 token expired");
        assertThat(Instant.now()).as("closed at its expiry, within 5 s").isBefore(soon.plusSeconds(5));
        renews.sendText("{\"type\":\"ping\"}");
        assertThat(renews.textWith("\"type\":\"pong\"")).as("the renewed one is still in").isNotNull();

        renews.sendText(Tokens.authFrame(Tokens.token("u-3", "c")));
        assertThat(renews.closeWithReason()).isEqualTo("4401 token is another user's");
    }

    /** The 10 s deadline itself is waited out in {@code WarIdentityIT}, in the container profiles, for its time. */
    @Test
    void connectionsWaitingForTheirProofCountAgainstTheirAddressUntilTheyGo() throws IOException, InterruptedException {
        start("required", Map.of("chat.max.connections.per.address", "3"));
        List<RawWebSocket> silent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            silent.add(connect("lobby", "x" + i));
        }
        // a handshake's 101 goes out before its @OnOpen runs: wait until the server holds all three
        Await.until("three connections awaiting their proof", Duration.ofSeconds(10),
                () -> Scrape.of(LocalServer.root(server)).value("chat_connections_awaiting_proof") == 3);
        RawWebSocket fourth = connect("lobby", "x");
        assertThat(fourth.closeWithReason()).isEqualTo("1013 too many connections from your address");
        for (RawWebSocket each : silent) {
            each.reset();
        }
        RawWebSocket afterwards = null;
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); afterwards == null; ) {
            RawWebSocket attempt = connect("lobby", "x");
            attempt.sendText(Tokens.authFrame(Tokens.token("u-1", "a")));
            String frame = attempt.readUntil(text -> text.contains("\"type\":\"join\"")) ? "joined" : attempt.closeWithReason();
            if (frame.equals("joined")) {
                afterwards = attempt;
            } else {
                assertThat(frame).as("refused only while the resets are on their way").isEqualTo("1013 too many connections from your address");
                assertThat(System.nanoTime()).as("their places given back within 10 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aDirectConversationIsOneRoomForItsTwoUsersWhoeverOpensItAndNobodyElses() throws IOException, InterruptedException {
        start("optional", Map.of());
        RawWebSocket alice = signedIn("@u-bob", "u-alice", "Alice");
        alice.sendText("{\"type\":\"chat\",\"text\":\"psst\"}");
        alice.textWith("\"text\":\"psst\"");

        RawWebSocket bob = connect("@u-alice", "x");
        bob.sendText(Tokens.authFrame(Tokens.token("u-bob", "Bob")));
        assertThat(bob.textWith("\"type\":\"history\"")).as("the same room, with its history").contains("\"text\":\"psst\"");
        assertThat(alice.textWith("\"type\":\"join\"")).contains("\"user\":\"u-bob\"");

        RawWebSocket carol = connect("@u-bob", "x");
        carol.sendText(Tokens.authFrame(Tokens.token("u-carol", "Carol")));
        String carolsHistory = carol.textWith("\"type\":\"history\"");
        assertThat(carolsHistory).as("carol's own conversation with bob, not alice's").doesNotContain("psst");

        RawWebSocket guest = connect("@u-bob", "x");
        guest.sendText("{\"type\":\"auth\"}");
        assertThat(guest.closeWithReason()).isEqualTo("4401 token missing");

        String rooms = HttpClient.newHttpClient().send(HttpRequest.newBuilder(LocalServer.root(server).resolve("rooms")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(rooms).as("GET /rooms").isEqualTo("[]");
    }

    @Test
    void aModeratorKicksBansAndMutesAndEveryoneIsTold() throws IOException {
        start("required", Map.of());
        JWTClaimsSet moderator = Tokens.with(Tokens.claims("u-mod", "Mod"), c -> c.claim("roles", List.of("moderator")));
        RawWebSocket mod = connect("lobby", "x");
        mod.sendText(Tokens.authFrame(Tokens.hs256(moderator)));
        mod.textWith("\"type\":\"join\"");
        RawWebSocket troll = signedIn("lobby", "u-troll", "Troll");
        RawWebSocket bystander = signedIn("lobby", "u-by", "By");

        bystander.sendText("{\"type\":\"kick\",\"user\":\"u-troll\"}");
        assertThat(bystander.textWith("\"type\":\"error\"")).contains("\"code\":\"not_moderator\"");

        mod.sendText("{\"type\":\"mute\",\"user\":\"u-troll\",\"seconds\":60}");
        assertThat(bystander.textWith("\"type\":\"moderation\"")).contains("\"action\":\"mute\"").contains("\"user\":\"u-troll\"")
                .contains("\"by\":\"Mod\"").contains("\"until\":");
        troll.sendText("{\"type\":\"chat\",\"text\":\"spam\"}");
        assertThat(troll.textWith("\"type\":\"error\"")).contains("\"code\":\"muted\"");

        mod.sendText("{\"type\":\"ban\",\"user\":\"u-troll\",\"seconds\":600}");
        assertThat(troll.textWith("\"type\":\"moderation\"")).contains("\"action\":\"ban\"");
        assertThat(troll.closeWithReason()).isEqualTo("4403 banned");
        assertThat(bystander.textWith("\"type\":\"leave\"")).contains("\"user\":\"u-troll\"");
        RawWebSocket back = connect("lobby", "x");
        back.sendText(Tokens.authFrame(Tokens.token("u-troll", "Troll")));
        assertThat(back.closeWithReason()).as("the troll cannot come back").isEqualTo("4403 banned");

        mod.sendText("{\"type\":\"ban\",\"user\":\"u-troll\",\"seconds\":0}");
        bystander.textWith("\"type\":\"moderation\"");
        RawWebSocket forgiven = connect("lobby", "x");
        forgiven.sendText(Tokens.authFrame(Tokens.token("u-troll", "Troll")));
        assertThat(forgiven.textWith("\"type\":\"join\"")).as("a lifted ban lets it in").contains("\"user\":\"u-troll\"");
        mod.sendText("{\"type\":\"kick\",\"user\":\"u-troll\"}");
        assertThat(forgiven.closeWithReason()).isEqualTo("4403 kicked");
    }

    @Test
    void withNoSettingNamesAreTypedFreelyAsInTheTutorial() throws IOException {
        server = LocalServer.start(Map.of());
        RawWebSocket raw = connect("lobby", "철수");
        assertThat(raw.textWith("\"type\":\"join\"")).contains("\"name\":\"철수\"").doesNotContain("\"user\"");
        raw.sendText(Tokens.authFrame(Tokens.token("u-1", "영희")));
        assertThat(raw.textWith("\"type\":\"error\"")).contains("auth_unexpected");
    }
}
