package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rooms and who is in them, as every deployment must behave: {@code /chat/{room}}, the names of
 * connections ({@code ?name=}, {@code rename}), the {@code users} of the history frame, the
 * names on joins and leaves, and {@code GET /rooms}. Run on every target through
 * {@link ChatProtocolContract}, which extends it.
 */
public abstract class RoomsContract extends ServerContract {

    /** Whether a path that names no room is refused with HTTP 404 (the WAR's filter) rather than a 1008 close. */
    protected boolean refusesUnknownRoomsWith404() {
        return false;
    }

    @Test
    void aRoomHasItsOwnMembersCountHistoryAndNotices() throws Exception {
        ChatClient lobby = joined();
        ChatClient first = track(ChatClient.connect(roomUri("design", named("철수"))));
        History history = first.next(History.class);
        assertThat(history.messages()).isEmpty();
        assertThat(ownJoin(first)).isEqualTo(Join.of(1, "철수"));
        first.sendChat("철수", "only in design");
        assertThat(first.next(Chat.class).id()).isEqualTo(1);

        ChatClient second = track(ChatClient.connect(roomUri("design", null)));
        History later = second.next(History.class);
        assertThat(later.epoch()).isEqualTo(history.epoch());
        assertThat(later.messages()).extracting(Chat::text).containsExactly("only in design");
        assertThat(ownJoin(second)).isEqualTo(Join.of(2, "익명"));
        assertThat(first.next(Join.class)).isEqualTo(Join.of(2, "익명"));
        second.close();
        assertThat(first.next(Leave.class)).isEqualTo(Leave.of(1, "익명"));

        lobby.send("lobby only");
        assertThat(lobby.next(Chat.class).text()).isEqualTo("lobby only");
        first.expectSilence(Duration.ofMillis(300));
        assertThat(lobby.drain()).as("nothing of design reaches the lobby").isEmpty();
        awaitOnline(2);
    }

    @Test
    void theLobbyIsBothChatAndChatLobby() {
        ChatClient plain = joined();
        ChatClient named = track(ChatClient.connect(roomUri("lobby", null)));
        named.next(History.class);
        assertThat(ownJoin(named).online()).isEqualTo(2);
        assertThat(plain.next(Join.class).online()).isEqualTo(2);
    }

    @Test
    void theHistoryListsEveryoneHereByNameWithTheirConnectionsTheNewcomerIncluded() {
        connectAs("people", "철수");
        connectAs("people", "철수");
        connectAs("people", "Zoë");
        ChatClient newcomer = track(ChatClient.connect(roomUri("people", named("  영희\u200b "))));
        assertThat(newcomer.next(History.class).users()).containsExactly(
                new User("Zoë", 1), new User("영희", 1), new User("철수", 2));
        assertThat(ownJoin(newcomer)).isEqualTo(Join.of(4, "영희"));
    }

    @Test
    void aRenameIsAnnouncedToItsRoomAndNamesTheChatsThatCarryNone() throws Exception {
        ChatClient watcher = connectAs("renames", "watcher");
        ChatClient elsewhere = joined();
        ChatClient renamer = connectAs("renames", "old");
        assertThat(watcher.next(Join.class).name()).isEqualTo("old");

        renamer.send("{\"type\":\"rename\",\"name\":\" new \"}");
        assertThat(watcher.next(Rename.class)).isEqualTo(new Rename("old", "new"));
        assertThat(renamer.next(Rename.class)).isEqualTo(new Rename("old", "new"));
        renamer.send("Hello");
        renamer.send("{\"type\":\"chat\",\"text\":\"no name\"}");
        renamer.sendChat("given", "with a name");
        assertThat(List.of(watcher.next(Chat.class), watcher.next(Chat.class), watcher.next(Chat.class)))
                .extracting(Chat::name).containsExactly("new", "new", "given");
        assertThat(List.of(renamer.next(Chat.class), renamer.next(Chat.class), renamer.next(Chat.class)))
                .extracting(Chat::name).containsExactly("new", "new", "given");

        renamer.send("{\"type\":\"rename\",\"name\":\"" + "n".repeat(33) + "\"}");
        assertThat(renamer.next(ServerEvent.Refusal.class).reason()).isEqualTo("name is longer than 32 characters");
        renamer.close();
        assertThat(watcher.next(Leave.class)).isEqualTo(Leave.of(1, "new"));
        assertThat(elsewhere.drain()).as("the lobby hears nothing of it").isEmpty();
    }

    @Test
    void aPathThatNamesNoRoomIsRefusedBeforeAdmissionAndNeverCounted() throws Exception {
        ChatClient observer = joined();
        for (String bad : List.of("Design", "a".repeat(33), "bad.name", "%C3%A9", "%20")) {
            URI uri = roomUri(bad, null);
            if (refusesUnknownRoomsWith404()) {
                // A path the container cannot decode into a name of ours it may refuse itself, before the
                // application sees it: WildFly answers 400 for %C3%A9.
                Integer[] refusals = bad.contains("%") ? new Integer[] {400, 404} : new Integer[] {404};
                assertThat(ChatClient.handshakeStatus(uri, null)).as(bad).isIn((Object[]) refusals);
            } else {
                ChatClient refused = track(ChatClient.connect(uri));
                assertThat(refused.awaitClose()).as(bad).isEqualTo(new ChatClient.Closed(1008, "no such room"));
                assertThat(refused.drain()).as("nothing before the close").isEmpty();
            }
        }
        ChatClient longest = track(ChatClient.connect(roomUri("a-b_c".repeat(6) + "z9", null)));
        assertThat(longest.next(History.class).users()).containsExactly(new User("익명", 1));
        observer.expectSilence(Duration.ofMillis(300));
        awaitOnline(2);
    }

    @Test
    void aHandshakeNameThatIsTooLongIsRefusedWith1008() {
        ChatClient refused = track(ChatClient.connect(roomUri("names", named("n".repeat(33)))));
        assertThat(refused.awaitClose()).isEqualTo(new ChatClient.Closed(1008, "name is longer than 32 characters"));
    }

    @Test
    void getRoomsListsTheRoomsWithAnyoneInThemByName() throws Exception {
        joined();
        connectAs("zebra", "a");
        connectAs("alpha", "b");
        connectAs("alpha", "c");
        var response = get("rooms");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).isEqualTo(
                "[{\"room\":\"alpha\",\"online\":2},{\"room\":\"lobby\",\"online\":1},{\"room\":\"zebra\",\"online\":1}]");
    }

    @Test
    void resumeWorksPerRoom() {
        ChatClient talker = connectAs("resume-a", "t");
        for (int i = 1; i <= 3; i++) {
            talker.send("a" + i);
            talker.next(Chat.class);
        }
        History first = track(ChatClient.connect(roomUri("resume-a", null))).next(History.class);
        long lastSeen = first.messages().get(2).id();
        talker.send("a4");
        talker.next(Join.class);
        assertThat(talker.next(Chat.class).text()).isEqualTo("a4");
        ChatClient resumed = track(ChatClient.connect(roomUri("resume-a", "since=" + lastSeen + "&epoch=" + first.epoch())));
        assertThat(resumed.next(History.class).messages()).extracting(Chat::text).containsExactly("a4");

        History other = track(ChatClient.connect(roomUri("resume-b", "since=" + lastSeen + "&epoch=" + first.epoch())))
                .next(History.class);
        assertThat(other.epoch()).as("each room has its own epoch").isNotEqualTo(first.epoch());
        assertThat(other.complete()).isFalse();
        assertThat(other.messages()).isEmpty();
    }

    /**
     * A watcher keeps the list from its history and the events after it, through random joins,
     * clean leaves, TCP resets and renames; at the end it matches what the test did and what a
     * newcomer is told.
     */
    @Test
    void theListStaysExactThroughRandomJoinsLeavesRenamesAndResets() throws Exception {
        long seed = System.nanoTime();
        ChatClient watcher = track(ChatClient.connect(roomUri("churn", named("watcher"))));
        UserList seen = UserList.from(watcher.next(History.class));
        ownJoin(watcher);
        UserList expected = UserList.from(List.of(new User("watcher", 1)));
        new Churn(seed, opened(), (random, name) -> roomUri("churn", named(name)))
                .run(40, List.of(new Churn.Watcher("the watcher", watcher, seen)), expected);
        ChatClient newcomer = track(ChatClient.connect(roomUri("churn", named("watcher"))));
        UserList told = UserList.from(newcomer.next(History.class));
        told.remove("watcher");
        assertThat(told).as("what a newcomer is told (seed %d)", seed).isEqualTo(expected);
    }

    /** A client in the room under the name, its history and own join read. */
    protected ChatClient connectAs(String room, String name) {
        ChatClient client = track(ChatClient.connect(roomUri(room, named(name))));
        client.next(History.class);
        assertThat(ownJoin(client).name()).isEqualTo(name);
        return client;
    }
}
