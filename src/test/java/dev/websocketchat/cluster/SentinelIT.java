package dev.websocketchat.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.standalone.ChatServer;
import dev.websocketchat.support.ChatClient;
import dev.websocketchat.support.LocalServer;
import dev.websocketchat.support.LogCapture;
import dev.websocketchat.support.RedisSentinels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances joined through Redis Sentinel ({@code redis-sentinel://:password@…#mymaster}): a
 * primary and its replica, both with a password, and three Sentinels, real processes on loopback.
 * The primary is killed in the middle of a conversation; the Sentinels promote the replica, and
 * every instance finds it by itself, never logging the password.
 */
class SentinelIT {

    @RegisterExtension
    final TestCluster cluster = new TestCluster();
    private LogCapture relayLog;
    private final List<ChatClient> clients = new ArrayList<>();
    private RedisSentinels sentinels;

    @AfterEach
    void stopAll() throws Exception {
        if (relayLog != null) {
            relayLog.close();
        }
        clients.forEach(ChatClient::close);
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @Test
    void whenThePrimaryDiesEveryInstanceFollowsThePromotedReplicaAndEveryChatArrivesOnceInOrder() throws Exception {
        sentinels = RedisSentinels.start();
        relayLog = LogCapture.of(RedisLink.class, Level.INFO);
        List<LogRecord> records = relayLog.records();
        ChatServer a = cluster.instance(Map.of("chat.redis.url", sentinels.url()));
        ChatServer b = cluster.instance(Map.of("chat.redis.url", sentinels.url()));
        ChatClient onA = connected(a);
        ChatClient onB = connected(b);
        TestCluster.awaitJoin(onA, 2);
        TestCluster.awaitJoin(onB, 2);

        int rounds = 60;
        for (int i = 0; i < rounds; i++) {
            if (i == 10) {
                sentinels.primary().kill();
            }
            onA.sendChat("a", "a" + i);
            onB.sendChat("b", "b" + i);
            Thread.sleep(100);
        }
        sentinels.awaitFailover();

        TestCluster.assertEveryChatOnceInOrder(onA, onB, rounds);
        TestCluster.awaitHealth(a, "\"status\":\"UP\"");
        TestCluster.awaitHealth(b, "\"status\":\"UP\"");
        assertThat(records).as("per instance, one INFO for joining, one WARN for the outage and one INFO for the recovery")
                .extracting(LogRecord::getLevel, SentinelIT::kind)
                .containsExactlyInAnyOrder(
                        Tuple.tuple(Level.INFO, "joined"), Tuple.tuple(Level.INFO, "joined"),
                        Tuple.tuple(Level.WARNING, "outage"), Tuple.tuple(Level.WARNING, "outage"),
                        Tuple.tuple(Level.INFO, "recovery"), Tuple.tuple(Level.INFO, "recovery"));
        assertThat(records).extracting(LogRecord::getMessage).as("the password, never logged")
                .noneMatch(message -> message.contains(RedisSentinels.PASSWORD));
    }

    private static String kind(LogRecord record) {
        String message = record.getMessage();
        if (message.contains("joined the cluster through")) {
            return "joined";
        }
        return message.contains("is unreachable") ? "outage" : message.contains("is back") ? "recovery" : message;
    }

    private ChatClient connected(ChatServer server) {
        ChatClient client = ChatClient.connect(LocalServer.chat(server));
        clients.add(client);
        client.next(History.class);
        return client;
    }


}
