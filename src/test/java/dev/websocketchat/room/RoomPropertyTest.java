package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.ClientRequest;
import dev.websocketchat.protocol.EventCodec;
import dev.websocketchat.protocol.InvalidMessageException;
import dev.websocketchat.protocol.Resume;
import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Chat;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any interleaving of joins, leaves, valid and refused input, and members that stop reading
 * until they overflow: the room never throws, never broadcasts refused input, keeps the count
 * exact, and every member sees chat ids strictly increasing, without a gap while it is a member
 * and reading.
 */
class RoomPropertyTest {

    /** Room for a few small frames, so a member that stops reading overflows within a few chats. */
    private static final ChatConfig CONFIG = ChatConfig.builder().history(5).maxText(40).sendQueueBytes(1500)
            .pingSeconds(60).idleSeconds(120).rateLimit(0).rateBurst(1).maxConnections(6).maxConnectionsPerAddress(0).build();
    /** Decodes as the room does, to know what a chat broadcasts and that refused input is refused. */
    private static final EventCodec ROOM_CODEC = new EventCodec(CONFIG.maxText());
    private static final EventCodec CODEC = new EventCodec(Integer.MAX_VALUE);

    enum Kind { JOIN, LEAVE, CHAT, REFUSED, STALL }

    record Step(Kind kind, int who, String text) {
    }

    /** One connection as the test sees it: its peer and whether it was told to leave. */
    private record Connection(FakePeer peer, Member member) {
    }

    @Property(tries = 300)
    void anyInterleavingKeepsCountsOrderAndRefusalsRight(@ForAll("scripts") List<Step> script) throws Exception {
        List<Connection> connections = new ArrayList<>();
        List<String> broadcast = new ArrayList<>();
        Rooms rooms = Rooms.local(CONFIG, Meters.NONE);
        ChatRoom room = rooms.lobby();
        try {
            for (Step step : script) {
                Connection target = connections.isEmpty() ? null : connections.get(step.who() % connections.size());
                switch (step.kind()) {
                    case JOIN -> {
                        FakePeer peer = new FakePeer();
                        Member member = room.connect(peer, "127.0.0.1:1", "127.0.0.1", Person.guest("익명"));
                        room.admit(member, Resume.NONE);
                        connections.add(new Connection(peer, member));
                    }
                    case LEAVE -> {
                        if (target != null) {
                            room.leave(target.member(), LeaveCause.CLOSED);
                        }
                    }
                    case CHAT -> {
                        if (target != null) {
                            boolean speaks = target.member().state == Member.State.ADMITTED;
                            ClientRequest.Chat request = (ClientRequest.Chat) ROOM_CODEC.decode(step.text());
                            room.receive(target.member(), step.text(), true);
                            if (speaks) {
                                broadcast.add(request.text());
                            }
                        }
                    }
                    case REFUSED -> {
                        if (target != null) {
                            try {
                                ROOM_CODEC.decode(step.text());
                                throw new AssertionError("expected a refusal for " + step.text());
                            } catch (InvalidMessageException refused) {
                                room.receive(target.member(), step.text(), true);
                            }
                        }
                    }
                    case STALL -> {
                        if (target != null) {
                            target.peer().hold();
                        }
                    }
                }
                long admitted = connections.stream().filter(c -> c.member().state == Member.State.ADMITTED).count();
                assertThat(room.online()).isEqualTo(admitted);
            }
            for (Connection connection : connections) {
                assertTranscriptIsRight(connection, broadcast);
            }
        } finally {
            connections.forEach(connection -> connection.peer().release()); // else the close waits out its grace
            rooms.close();
        }
    }

    private static void assertTranscriptIsRight(Connection connection, List<String> broadcast) throws Exception {
        List<ServerEvent> events = new ArrayList<>();
        synchronized (connection.peer().sent) {
            for (String frame : connection.peer().sent) {
                events.add(CODEC.decodeEvent(frame));
            }
        }
        if (events.isEmpty()) {
            assertThat(connection.peer().closedWith).as("refused: the room was full").isCompletedWithValue(1013);
            return;
        }
        assertThat(events.get(0)).isInstanceOf(ServerEvent.History.class);
        long lastId = 0;
        List<String> heard = new ArrayList<>();
        for (ServerEvent event : events) {
            if (event instanceof Chat chat) {
                assertThat(chat.id()).as("ids increase").isGreaterThan(lastId);
                lastId = chat.id();
                heard.add(chat.text());
            }
        }
        // What it heard live is a run of consecutive broadcasts: nothing refused, nothing skipped.
        List<String> live = heard.subList(Math.min(heard.size(), historySize(events)), heard.size());
        if (!live.isEmpty()) {
            int start = indexOfRun(broadcast, live);
            assertThat(start).as("heard %s within %s", live, broadcast).isNotNegative();
        }
    }

    private static int historySize(List<ServerEvent> events) {
        return ((ServerEvent.History) events.get(0)).messages().size();
    }

    private static int indexOfRun(List<String> all, List<String> run) {
        for (int start = 0; start + run.size() <= all.size(); start++) {
            if (all.subList(start, start + run.size()).equals(run)) {
                return start;
            }
        }
        return -1;
    }

    @Provide
    Arbitrary<List<Step>> scripts() {
        Arbitrary<Integer> who = Arbitraries.integers().between(0, 20);
        Arbitrary<String> valid = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(30)
                .map(text -> "{\"type\":\"chat\",\"name\":\"n\",\"text\":\"" + text + "\"}");
        Arbitrary<String> invalid = Arbitraries.of("{", "{\"type\":\"x\"}", "{\"type\":\"chat\"}", "   ",
                "{\"type\":\"chat\",\"text\":\"" + "y".repeat(41) + "\"}", "{\"type\":\"chat\",\"text\":7}");
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.JOIN).map(kind -> new Step(kind, 0, ""))),
                net.jqwik.api.Tuple.of(2, who.map(index -> new Step(Kind.LEAVE, index, ""))),
                net.jqwik.api.Tuple.of(6, net.jqwik.api.Combinators.combine(who, valid).as((index, text) -> new Step(Kind.CHAT, index, text))),
                net.jqwik.api.Tuple.of(2, net.jqwik.api.Combinators.combine(who, invalid).as((index, text) -> new Step(Kind.REFUSED, index, text))),
                net.jqwik.api.Tuple.of(1, who.map(index -> new Step(Kind.STALL, index, ""))));
        return step.list().ofMinSize(1).ofMaxSize(60);
    }
}
