package dev.websocketchat.room;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.protocol.Resume;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatRoomTest {

    /** Large enough that no test member overflows by accident while threads race to send. */
    private static final int QUEUE_BYTES = 256 * 1024;
    private static final ChatConfig CONFIG = ChatConfig.builder().history(3).sendQueueBytes(QUEUE_BYTES)
            .pingSeconds(1).idleSeconds(3).rateLimit(0).rateBurst(1).maxConnections(100).maxConnectionsPerAddress(0).addressBytes(0).addressRooms(0).build();
    private final Rooms rooms = Rooms.local(CONFIG, Meters.NONE);
    private final ChatRoom room = rooms.lobby();

    @AfterEach
    void closeRoom() {
        rooms.close();
    }

    @Test
    void aNewcomerGetsTheHistoryWithEveryoneHereItselfIncludedThenEveryoneGetsItsJoin() {
        FakePeer first = new FakePeer();
        FakePeer second = new FakePeer();
        room.admit(room.connect(first, "127.0.0.1:1", "127.0.0.1", Person.guest("철수")), Resume.NONE);
        room.admit(room.connect(second, "127.0.0.1:1", "127.0.0.1", Person.guest("영희")), Resume.NONE);
        assertThat(first.sent).containsExactly(
                "{\"type\":\"history\",\"epoch\":\"" + room.epoch() + "\",\"complete\":true,\"messages\":[],"
                        + "\"users\":[{\"name\":\"철수\",\"connections\":1}]}",
                "{\"type\":\"join\",\"online\":1,\"text\":\"새로운 유저 접속 [현재: 1명]\",\"name\":\"철수\"}",
                "{\"type\":\"join\",\"online\":2,\"text\":\"새로운 유저 접속 [현재: 2명]\",\"name\":\"영희\"}");
        assertThat(second.sent).containsExactly(
                "{\"type\":\"history\",\"epoch\":\"" + room.epoch() + "\",\"complete\":true,\"messages\":[],"
                        + "\"users\":[{\"name\":\"영희\",\"connections\":1},{\"name\":\"철수\",\"connections\":1}]}",
                "{\"type\":\"join\",\"online\":2,\"text\":\"새로운 유저 접속 [현재: 2명]\",\"name\":\"영희\"}");
        assertThat(room.online()).isEqualTo(2);
    }

    @Test
    void inARoomWhoseListOfNamesWouldCrowdTheHistoryANewcomerIsNotToldWhoIsHereAndStays() {
        ChatConfig small = ChatConfig.builder().sendQueueBytes(4096).rateLimit(0).maxConnectionsPerAddress(0).addressBytes(0)
                .addressRooms(0).build(); // a history frame gets 2,048 bytes, a list of names 1,024 before it is left out
        try (Rooms crowdedRooms = Rooms.local(small, Meters.NONE)) {
            ChatRoom crowded = crowdedRooms.lobby();
            for (int i = 0; i < 40; i++) { // 40 names of 96 bytes each: more than the whole queue
                crowded.admit(crowded.connect(new FakePeer(), "127.0.0.1:1", "127.0.0.1", Person.guest("가".repeat(30) + (10 + i))), Resume.NONE);
            }
            FakePeer newcomer = new FakePeer();
            crowded.admit(crowded.connect(newcomer, "127.0.0.1:1", "127.0.0.1", Person.guest("영희")), Resume.NONE);
            assertThat(newcomer.sent.get(0)).startsWith("{\"type\":\"history\",").doesNotContain("\"users\"");
            assertThat(crowded.online()).isEqualTo(41);
            FakePeer inASmallRoom = new FakePeer();
            room.admit(room.connect(inASmallRoom, "127.0.0.1:1", "127.0.0.1", Person.guest("철수")), Resume.NONE);
            assertThat(inASmallRoom.sent.get(0)).contains("\"users\":[{\"name\":\"철수\",\"connections\":1}]");
        }
    }

    @Test
    void theConnectionsOfAnIpv6AddressAreCountedByItsSlash64() throws Exception {
        ChatConfig onePerAddress = ChatConfig.builder().maxConnectionsPerAddress(1).addressRooms(0).build();
        try (Rooms roomRooms = Rooms.local(onePerAddress, Meters.NONE)) {
            ChatRoom room = roomRooms.lobby();
            FakePeer first = new FakePeer();
            FakePeer sameSubnet = new FakePeer();
            FakePeer otherSubnet = new FakePeer();
            room.admit(room.connect(first, "[2001:db8::1]:1", "2001:db8::1", Person.guest("a")), Resume.NONE);
            room.admit(room.connect(sameSubnet, "[2001:db8::ffff:2]:1", "2001:db8:0:0::ffff:2", Person.guest("b")), Resume.NONE);
            room.admit(room.connect(otherSubnet, "[2001:db8:0:1::1]:1", "2001:db8:0:1::1", Person.guest("c")), Resume.NONE);
            assertThat(sameSubnet.closedWith.get(1, TimeUnit.SECONDS)).isEqualTo(1013);
            assertThat(first.closedWith).isNotDone();
            assertThat(otherSubnet.closedWith).isNotDone();
            assertThat(room.online()).isEqualTo(2);
        }
    }

    @Test
    void theHistoryKeepsTheLastChatsOldestFirst() {
        Member talker = admitted(new FakePeer());
        for (int i = 1; i <= 5; i++) {
            say(talker, "t", "m" + i);
        }
        FakePeer late = new FakePeer();
        room.admit(room.connect(late, "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
        assertThat(late.sent.get(0)).startsWith("{\"type\":\"history\",\"epoch\":\"" + room.epoch() + "\",\"complete\":false,\"messages\":[{\"type\":\"chat\",\"id\":3,")
                .contains("\"text\":\"m3\"", "\"text\":\"m4\"", "\"text\":\"m5\"").doesNotContain("\"m2\"");
    }

    @Test
    void aLeaveIsAnnouncedOnceHoweverManyTimesItIsReported() {
        FakePeer stays = new FakePeer();
        admitted(stays);
        Member goes = admitted(new FakePeer());
        assertThat(room.leave(goes, LeaveCause.ERROR)).isTrue();
        assertThat(room.leave(goes, LeaveCause.CLOSED)).isFalse();
        assertThat(room.evict(goes, LeaveCause.IDLE)).isFalse();
        assertThat(stays.sentOfType("leave")).containsExactly("{\"type\":\"leave\",\"online\":1,\"text\":\"유저 연결 해제 [현재: 1명]\",\"name\":\"익명\"}");
        assertThat(room.online()).isEqualTo(1);
    }

    @Test
    void aConnectionThatEndsBeforeAdmissionIsNeverAnnounced() {
        FakePeer observer = new FakePeer();
        admitted(observer);
        FakePeer earlyPeer = new FakePeer();
        Member early = room.connect(earlyPeer, "127.0.0.1:1", "127.0.0.1", Person.guest("익명"));
        room.leave(early, LeaveCause.CLOSED);
        room.admit(early, Resume.NONE);
        assertThat(observer.sent).hasSize(2);
        assertThat(room.online()).isEqualTo(1);
        rooms.close();
        room.admit(early, Resume.NONE);
        assertThat(earlyPeer.closedWith).as("already gone: neither admitted nor refused").isNotDone();
    }

    @Test
    void chatsFromAnyThreadReachEveryoneInOneOrderWithIncreasingIds() throws Exception {
        List<FakePeer> peers = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            FakePeer peer = new FakePeer();
            peers.add(peer);
            members.add(admitted(peer));
        }
        ExecutorService senders = Executors.newFixedThreadPool(4);
        List<Future<?>> sending = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            Member sender = members.get(s);
            sending.add(senders.submit(() -> {
                for (int n = 0; n < 500; n++) {
                    say(sender, "s", String.valueOf(n));
                }
            }));
        }
        for (Future<?> future : sending) {
            future.get(30, TimeUnit.SECONDS);
        }
        senders.shutdown();
        // A flush that finds another thread sending to that peer leaves the rest to it (here the
        // liveness timer's, now and then), so delivery may finish just after the senders return.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (peers.stream().anyMatch(peer -> peer.sentOfType("chat").size() < 2000) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<String> reference = peers.get(0).sentOfType("chat");
        assertThat(reference).hasSize(2000);
        List<Long> ids = reference.stream().map(json -> Long.parseLong(json.replaceAll(".*\"id\":(\\d+),.*", "$1"))).toList();
        assertThat(ids).isSorted().doesNotHaveDuplicates();
        for (FakePeer peer : peers) {
            assertThat(peer.mostInFlight()).as("sends in flight at once").isEqualTo(1);
            assertThat(peer.sentOfType("chat")).isEqualTo(reference);
        }
    }

    @Test
    void aSlowConsumerIsEvictedAndClosedWith1013WhileOthersGetEverything() throws Exception {
        FakePeer reader = new FakePeer();
        FakePeer stalled = new FakePeer();
        Member sender = admitted(reader);
        admitted(stalled);
        stalled.hold();
        String kilobyte = "x".repeat(1000);
        int chats = QUEUE_BYTES / 1000 + 10;
        for (int i = 0; i < chats; i++) {
            say(sender, "s", kilobyte);
        }
        assertThat(reader.sentOfType("chat")).hasSize(chats);
        assertThat(reader.sentOfType("leave")).containsExactly("{\"type\":\"leave\",\"online\":1,\"text\":\"유저 연결 해제 [현재: 1명]\",\"name\":\"익명\"}");
        assertThat(room.online()).isEqualTo(1);
        assertThat(stalled.closedWith).as("the close waits for the frame in flight").isNotDone();
        stalled.release();
        assertThat(stalled.closedWith.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
    }

    @Test
    void aPeerThatNeverFinishesItsSendIsClosedAfterTheGracePeriod() throws Exception {
        FakePeer stalled = new FakePeer();
        Member member = admitted(stalled);
        stalled.hold();
        for (int i = 0; i < QUEUE_BYTES / 2000 + 10; i++) {
            say(member, "s", "x".repeat(2000));
        }
        assertThat(stalled.closedWith.get(10, TimeUnit.SECONDS)).isEqualTo(1013);
    }

    @Test
    void aFailedSendEndsTheMembershipAndIsAnnounced() {
        FakePeer stays = new FakePeer();
        FakePeer broken = new FakePeer();
        Member sender = admitted(stays);
        admitted(broken);
        broken.hold();
        say(sender, "s", "hello");
        broken.failPending(new IOException("Connection reset by peer"));
        assertThat(stays.sentOfType("leave")).hasSize(1);
        assertThat(room.online()).isEqualTo(1);
    }

    @Test
    void aRefusalGoesToTheSenderOnly() {
        FakePeer sender = new FakePeer();
        FakePeer other = new FakePeer();
        Member member = admitted(sender);
        admitted(other);
        room.receive(member, "{\"type\":\"chat\",\"text\":\"  \"}", true);
        assertThat(sender.sentOfType("error")).containsExactly("{\"type\":\"error\",\"code\":\"blank_text\",\"reason\":\"text is blank\"}");
        assertThat(other.sentOfType("error")).isEmpty();
    }

    @Test
    void aChatSentAgainUnderItsCidIsDeliveredOnceAndItsSenderAloneToldItsId() {
        FakePeer sender = new FakePeer();
        FakePeer other = new FakePeer();
        Member member = admitted(sender);
        admitted(other);
        String chat = "{\"type\":\"chat\",\"name\":\"a\",\"text\":\"hi\",\"cid\":\"x-1_Z\"}";
        room.receive(member, chat, true);
        room.receive(member, chat, true); // as after a reconnect, on another connection of the same page
        assertThat(other.sentOfType("chat")).singleElement().asString()
                .startsWith("{\"type\":\"chat\",\"id\":1,\"name\":\"a\",\"text\":\"hi\",").endsWith(",\"cid\":\"x-1_Z\"}");
        assertThat(sender.sentOfType("chat")).isEqualTo(other.sentOfType("chat"));
        assertThat(sender.sentOfType("sent")).containsExactly("{\"type\":\"sent\",\"cid\":\"x-1_Z\",\"id\":1}");
        assertThat(other.sentOfType("sent")).isEmpty();
        room.receive(member, "{\"type\":\"chat\",\"text\":\"no cid\"}", true);
        assertThat(other.sentOfType("chat")).last().asString().contains("no cid").doesNotContain("\"cid\"");
    }

    @Test
    void aCidThatIsNotAShortTokenIsRefused() {
        FakePeer sender = new FakePeer();
        Member member = admitted(sender);
        room.receive(member, "{\"type\":\"chat\",\"text\":\"hi\",\"cid\":\"<b>\"}", true);
        room.receive(member, "{\"type\":\"chat\",\"text\":\"hi\",\"cid\":\"" + "a".repeat(65) + "\"}", true);
        assertThat(sender.sentOfType("error")).hasSize(2)
                .allSatisfy(error -> assertThat(error).contains("cid must be 1 to 64 of A-Z, a-z, 0-9, _ and -"));
        assertThat(sender.sentOfType("chat")).isEmpty();
    }

    @Test
    void aRefusedChatWithAValidCidIsNamedInTheError() {
        FakePeer sender = new FakePeer();
        Member member = admitted(sender);
        room.receive(member, "{\"type\":\"chat\",\"text\":\" \",\"cid\":\"c1\"}", true);
        room.receive(member, "{\"type\":\"chat\",\"name\":\"" + "n".repeat(33) + "\",\"text\":\"t\",\"cid\":\"c2\"}", true);
        assertThat(sender.sentOfType("error")).containsExactly(
                "{\"type\":\"error\",\"code\":\"blank_text\",\"reason\":\"text is blank\",\"cid\":\"c1\"}",
                "{\"type\":\"error\",\"code\":\"name_too_long\",\"reason\":\"name is longer than 32 characters\",\"cid\":\"c2\"}");
    }

    @Test
    void aPingIsAnsweredWithAPongToItsSenderAlone() {
        FakePeer sender = new FakePeer();
        FakePeer other = new FakePeer();
        Member member = admitted(sender);
        admitted(other);
        room.receive(member, "{\"type\":\"ping\"}", true);
        assertThat(sender.sentOfType("pong")).containsExactly("{\"type\":\"pong\"}");
        assertThat(other.sentOfType("pong")).isEmpty();
    }

    @Test
    void aMemberHeardFromNothingIsClosedAfterTheIdleLimitWhileOthersArePinged() throws Exception {
        FakePeer silent = new FakePeer();
        FakePeer lively = new FakePeer();
        admitted(silent);
        Member talker = admitted(lively);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!silent.closedWith.isDone() && System.nanoTime() < deadline) {
            room.heard(talker);
            Thread.sleep(100);
        }
        assertThat(silent.closedWith.getNow(null)).isEqualTo(1001);
        assertThat(lively.closedWith).isNotDone();
        assertThat(lively.pings.get()).isPositive();
        assertThat(room.online()).isEqualTo(1);
    }

    @Test
    void closingTheRoomClosesEveryoneWith1001WithoutAnnouncingLeaves() throws Exception {
        FakePeer first = new FakePeer();
        FakePeer second = new FakePeer();
        admitted(first);
        admitted(second);
        rooms.close();
        assertThat(first.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        assertThat(second.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        assertThat(first.sentOfType("leave")).isEmpty();
        assertThat(room.online()).isZero();
        FakePeer late = new FakePeer();
        room.admit(room.connect(late, "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
        assertThat(late.closedWith.getNow(null)).isEqualTo(1001);
    }

    @Test
    void closingTheRoomsSendsEachMemberWhatWasQueuedForItBeforeThe1001() throws Exception {
        FakePeer slow = new FakePeer();
        Member talker = admitted(new FakePeer());
        admitted(slow);
        slow.hold();
        for (int i = 1; i <= 3; i++) {
            say(talker, "t", "queued " + i);
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(rooms::close);
        Thread.sleep(200);
        assertThat(slow.closedWith).as("still flushing").isNotDone();
        slow.release();
        assertThat(slow.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
        closing.get(5, TimeUnit.SECONDS);
        assertThat(slow.sentOfType("chat")).hasSize(3).last().asString().contains("queued 3");
        assertThat(slow.sentBeforeClose).hasValue(slow.sent.size());
    }

    @Test
    void aMemberThatTakesNothingIsClosedWhenTheShutdownGraceRunsOut() throws Exception {
        FakePeer stuck = new FakePeer();
        Member talker = admitted(new FakePeer());
        admitted(stuck);
        stuck.hold();
        say(talker, "t", "never taken");
        long started = System.nanoTime();
        rooms.close();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(stuck.closedWith.getNow(null)).isEqualTo(1001);
        assertThat(tookMillis).as("bounded by the grace").isBetween(1500L, 3500L);
    }

    @Test
    void aConnectionBeyondTheLimitIsClosedWith1013AndNeverCounted() throws Exception {
        try (Rooms smallRooms = Rooms.local(CONFIG.toBuilder().maxConnections(2).build(), Meters.NONE)) {
            ChatRoom small = smallRooms.lobby();
            FakePeer first = new FakePeer();
            small.admit(small.connect(first, "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
            small.admit(small.connect(new FakePeer(), "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
            FakePeer third = new FakePeer();
            small.admit(small.connect(third, "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
            assertThat(third.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1013);
            assertThat(third.sent).isEmpty();
            assertThat(first.sentOfType("join")).hasSize(2);
            assertThat(small.online()).isEqualTo(2);
        }
    }

    @Test
    void messagesOverTheRateAreRefusedAndAFloodIsClosedWith1008() throws Exception {
        try (Rooms limitedRooms = Rooms.local(CONFIG.toBuilder().rateLimit(1).rateBurst(2).build(), Meters.NONE)) {
            ChatRoom limited = limitedRooms.lobby();
            FakePeer observer = new FakePeer();
            limited.admit(limited.connect(observer, "127.0.0.1:1", "127.0.0.1", Person.guest("익명")), Resume.NONE);
            FakePeer flooder = new FakePeer();
            Member member = limited.connect(flooder, "127.0.0.1:1", "127.0.0.1", Person.guest("익명"));
            limited.admit(member, Resume.NONE);
            limited.receive(member, "one", true);
            limited.receive(member, "two", true);
            assertThat(flooder.sentOfType("error")).as("within the burst of 2").isEmpty();
            limited.receive(member, "three", true);
            assertThat(flooder.sentOfType("error")).containsExactly("{\"type\":\"error\",\"code\":\"rate_limited\",\"reason\":\"rate limited\"}");
            assertThat(observer.sentOfType("chat")).hasSize(2);
            for (int i = 0; i < 60; i++) {
                limited.receive(member, "more", true);
            }
            assertThat(flooder.closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(1008);
            assertThat(observer.sentOfType("leave")).hasSize(1);
        }
    }

    /** What the page sends: a chat as JSON, whole. */
    private void say(Member from, String name, String text) {
        room.receive(from, "{\"type\":\"chat\",\"name\":\"" + name + "\",\"text\":\"" + text + "\"}", true);
    }

    private Member admitted(FakePeer peer) {
        Member member = room.connect(peer, "127.0.0.1:1", "127.0.0.1", Person.guest("익명"));
        room.admit(member, Resume.NONE);
        return member;
    }
}
