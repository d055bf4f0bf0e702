package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.OpenedClients;
import dev.websocketchat.support.RedisServer;
import dev.websocketchat.support.RedisShards;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances on a Redis Cluster ({@code redis-cluster://}) of three primaries with a replica
 * each, real processes on loopback: a hundred rooms spread over the shards, each room's channel
 * heard on its own shard alone, and a conversation in every room through {@code kill -9} of one
 * shard's primary. In the {@code redis-cluster} profile (.ci/run runs it), for the default run's
 * time budget.
 */
class ShardedClusterIT {

    private static final int ROOMS = 100;
    private static final int ROUNDS = 16;
    private static final int KILLED_AT = 4;

    @RegisterExtension
    final TestCluster cluster = new TestCluster();
    private final OpenedClients opened = new OpenedClients();
    private RedisShards shards;

    @AfterEach
    void stopAll() throws Exception {
        opened.closeAll();
        if (shards != null) {
            shards.close();
        }
    }

    @Test
    void everyRoomKeepsItsConversationOnItsOwnShardThroughTheLossOfAPrimary() throws Exception {
        shards = RedisShards.start();
        Map<String, String> settings = Map.of("chat.redis.url", shards.url(),
                "chat.max.connections.per.address", "0", "chat.max.sockets.per.address", "0");
        ChatServer a = cluster.instance(settings);
        ChatServer b = cluster.instance(settings);
        List<String> rooms = IntStream.range(0, ROOMS).mapToObj(i -> "room-" + i).toList();
        List<ChatClient[]> pairs = new ArrayList<>();
        for (String room : rooms) {
            ChatClient onA = enter(a, room, "a");
            ChatClient onB = enter(b, room, "b");
            TestCluster.awaitJoin(onA, 2);
            TestCluster.awaitJoin(onB, 2);
            pairs.add(new ChatClient[] {onA, onB});
        }

        Map<RedisServer, List<String>> byShard = rooms.stream()
                .collect(Collectors.groupingBy(room -> shards.primaryOf(channel(room))));
        assertThat(byShard).as("rooms on every shard").hasSize(RedisShards.SHARDS);
        for (String room : rooms.subList(0, 10)) {
            for (RedisServer primary : byShard.keySet()) {
                assertThat(shards.shardSubscribers(primary, channel(room)))
                        .as("instances hearing %s on %s shard", room, primary == shards.primaryOf(channel(room)) ? "its own" : "another")
                        .isEqualTo(primary == shards.primaryOf(channel(room)) ? 2 : 0);
            }
        }

        RedisServer victim = shards.primaryOf(channel(rooms.get(0)));
        for (int i = 0; i < ROUNDS; i++) {
            if (i == KILLED_AT) {
                victim.kill();
            }
            for (ChatClient[] pair : pairs) {
                pair[0].sendChat("a", "a" + i);
                pair[1].sendChat("b", "b" + i);
            }
            Thread.sleep(250);
        }
        shards.awaitFailover(channel(rooms.get(0)), victim);

        for (int i = 0; i < ROOMS; i++) {
            TestCluster.assertOneConversation(pairs.get(i)[0], pairs.get(i)[1], ROUNDS, " in " + rooms.get(i));
        }
        pairs.get(0)[0].expectSilence(Duration.ofMillis(300));
        TestCluster.awaitHealth(a, "\"status\":\"UP\"");
        TestCluster.awaitHealth(b, "\"status\":\"UP\"");
        assertThat(byShard.get(victim)).as("rooms whose primary was killed").isNotEmpty();
    }

    private static String channel(String room) {
        return Scripts.room(room) + "events";
    }

    private ChatClient enter(ChatServer server, String room, String name) {
        ChatClient client = opened.track(ChatClient.connect(LocalServer.room(server, room, name)));
        client.next(History.class);
        return client;
    }
}
