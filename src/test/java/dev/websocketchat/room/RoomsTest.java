package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoomsTest {

    private static final ChatConfig CONFIG = ChatConfig.builder().maxRooms(3).roomIdleSeconds(1).rateLimit(0)
            .maxConnections(100).maxConnectionsPerAddress(0).addressBytes(0).addressRooms(0).build();
    private final Rooms rooms = Rooms.local(CONFIG, Meters.NONE);

    @AfterEach
    void close() {
        rooms.close();
    }

    @Test
    void aRoomOpensWithItsFirstConnectionUpToTheLimitTheLobbyIncluded() {
        Member a = enter("a");
        Member b = enter("b");
        assertThat(a.room().name()).isEqualTo("a");
        assertThat(enter("a").room()).as("the same room again").isSameAs(a.room());
        assertThat(rooms.connect("c", new FakePeer(), "test", "127.0.0.1", "익명").member()).as("a fourth room").isNull();
        assertThat(enter(Rooms.LOBBY).room()).isSameAs(rooms.lobby());
        assertThat(rooms.occupied()).containsExactly(new Rooms.Occupancy("a", 2), new Rooms.Occupancy("b", 1),
                new Rooms.Occupancy(Rooms.LOBBY, 1));
        assertThat(rooms.online()).isEqualTo(b.room().online() + a.room().online() + 1);
    }

    @Test
    void aNameThatIsNoRoomsIsRefused() {
        for (String bad : List.of("", "Lobby", "a b", "a/b", "é", "a".repeat(33))) {
            assertThat(Rooms.isValidName(bad)).as(bad).isFalse();
            assertThatThrownBy(() -> rooms.connect(bad, new FakePeer(), "test", "127.0.0.1", "익명").member())
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Rooms.isValidName("a-z_0-9" + "x".repeat(25))).isTrue();
    }

    @Test
    void anEmptyQuietRoomIsDroppedAndItsPlaceGivenToAnother() throws Exception {
        Member leaver = enter("a");
        Member other = enter("b");
        String epoch = leaver.room().epoch();
        leaver.room().leave(leaver, LeaveCause.CLOSED);
        other.room().leave(other, LeaveCause.CLOSED);
        awaitRooms(1); // the registry's own sweep, every tenth of CHAT_ROOM_IDLE_SECONDS (at least a second)
        Member back = enter("a");
        assertThat(back.room()).isNotSameAs(leaver.room());
        assertThat(back.room().epoch()).as("a new room, a new epoch").isNotEqualTo(epoch);
        assertThat(enter("c").room().name()).isEqualTo("c");
    }

    @Test
    void theLobbyAndAnyRoomWithSomeoneInItOrOnTheWayInStay() throws Exception {
        Member staying = enter("a");
        Member pending = rooms.connect("b", new FakePeer(), "test", "127.0.0.1", "익명").member(); // connected, never admitted
        rooms.dropQuietRooms(System.nanoTime() + TimeUnit.HOURS.toNanos(1)); // as if an hour had passed
        assertThat(rooms.connect("a", new FakePeer(), "test", "127.0.0.1", "익명").member().room()).isSameAs(staying.room());
        assertThat(rooms.connect("b", new FakePeer(), "test", "127.0.0.1", "익명").member().room()).isSameAs(pending.room());
        assertThat(rooms.lobby()).isNotNull();
        pending.room().admit(pending, Resume.NONE);
        assertThat(pending.room().online()).as("admitted into a room that was kept for it").isEqualTo(1);
    }

    /**
     * Connections race a clean-up that drops every empty room at once (as if all had been quiet for
     * an hour): none may land in a dropped room, which would turn it away with 1001.
     */
    @Test
    void aConnectionNeverLandsInADroppedRoom() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean racing = new AtomicBoolean(true);
        try {
            Future<?> sweeper = pool.submit(() -> {
                while (racing.get()) {
                    rooms.dropQuietRooms(System.nanoTime() + TimeUnit.HOURS.toNanos(1));
                }
            });
            List<Future<Integer>> connectors = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                connectors.add(pool.submit(() -> {
                    int turnedAway = 0;
                    for (int i = 0; i < 10_000; i++) {
                        FakePeer peer = new FakePeer();
                        Member member = rooms.connect("racy", peer, "test", "127.0.0.1", "익명").member();
                        member.room().admit(member, Resume.NONE);
                        turnedAway += peer.closedWith.isDone() ? 1 : 0;
                        member.room().leave(member, LeaveCause.CLOSED);
                    }
                    return turnedAway;
                }));
            }
            for (Future<Integer> connector : connectors) {
                assertThat(connector.get(60, TimeUnit.SECONDS)).as("connections turned away by a dropped room").isZero();
            }
            racing.set(false);
            sweeper.get(10, TimeUnit.SECONDS);
        } finally {
            racing.set(false);
            pool.shutdownNow();
        }
    }

    @Test
    void sharedRoomsGetAFanoutEachAndCloseWhatTheyShareAfterTheLastRoom() {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Rooms shared = Rooms.shared(CONFIG, Meters.NONE, name -> new Recorded(name, events), () -> events.add("close shared"));
        try (shared) {
            assertThat(shared.connect("design", new FakePeer(), "test", "127.0.0.1", "익명").member().room().name()).isEqualTo("design");
            assertThat(events).containsExactly("start lobby", "start design");
        }
        assertThat(events.subList(2, 4)).containsExactlyInAnyOrder("close lobby", "close design");
        assertThat(events).hasSize(5).endsWith("close shared");
    }

    /** A room on its own that records its start and close. */
    private record Recorded(String name, List<String> events, LocalFanout room) implements Fanout {

        Recorded(String name, List<String> events) {
            this(name, events, new LocalFanout());
        }

        @Override
        public void start(Audience audience) {
            room.start(audience);
            events.add("start " + name);
        }

        @Override
        public boolean chat(Draft draft) {
            return room.chat(draft);
        }

        @Override
        public boolean presence(ServerEvent change, long member) {
            return room.presence(change, member);
        }

        @Override
        public void typing(ServerEvent.Typing event, long member) {
            room.typing(event, member);
        }

        @Override
        public boolean moderate(ServerEvent.Moderation event) {
            return room.moderate(event);
        }

        @Override
        public int online(int here) {
            return room.online(here);
        }

        @Override
        public boolean degraded() {
            return room.degraded();
        }

        @Override
        public void close() {
            events.add("close " + name);
        }
    }

    @Test
    void closingShutsEveryRoomWith1001() {
        FakePeer inA = new FakePeer();
        FakePeer inLobby = new FakePeer();
        admit(rooms.connect("a", inA, "test", "127.0.0.1", "익명").member());
        admit(rooms.connect(Rooms.LOBBY, inLobby, "test", "127.0.0.1", "익명").member());
        rooms.close();
        assertThat(inA.closedWith).isCompletedWithValue(1001);
        assertThat(inLobby.closedWith).isCompletedWithValue(1001);
        assertThat(rooms.online()).isZero();
    }

    private Member enter(String room) {
        Member member = rooms.connect(room, new FakePeer(), "test", "127.0.0.1", "익명").member();
        admit(member);
        return member;
    }

    private static void admit(Member member) {
        member.room().admit(member, Resume.NONE);
    }

    /** Waits, bounded, until this many rooms are open, the lobby included. */
    private void awaitRooms(int open) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (rooms.roomsOpen() != open && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(rooms.roomsOpen()).as("rooms open").isEqualTo(open);
    }
}
