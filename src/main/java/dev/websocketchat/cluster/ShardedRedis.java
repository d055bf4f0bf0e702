package dev.websocketchat.cluster;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A Redis Cluster ({@code redis-cluster://host:port[,host:port...]}, or {@code rediss-cluster://}
 * for TLS; {@code user:password@} or {@code :password@} before the first node). Every key of a
 * room carries the room's name as its hash tag, so a room lives on one shard: its scripts run
 * there, and its channel is a shard channel ({@code SSUBSCRIBE}, {@code SPUBLISH}, Redis 7),
 * whose messages stay within that shard instead of crossing the whole cluster.
 *
 * <p>A room's channel is heard on a connection to the primary that serves its slot. Lettuce does
 * not move such subscriptions after a failover, so a drop of any of these connections takes the
 * link down, and its recovery subscribes every room again where the refreshed topology says.
 */
final class ShardedRedis extends Redis {

    private static final String PLAIN = "redis-cluster://";
    private static final String TLS = "rediss-cluster://";

    private final List<RedisURI> seeds;
    private final RedisClusterClient client;
    /**
     * The connections that rooms' channels are heard on: a drop of one is an outage. One per
     * primary (Lettuce keeps one connection per node), each removed when it drops.
     */
    private final Set<StatefulRedisPubSubConnection<String, String>> listening = ConcurrentHashMap.newKeySet();
    private volatile StatefulRedisClusterPubSubConnection<String, String> feed;

    /** Whether the URL names a Redis Cluster. */
    static boolean names(String url) {
        return url.startsWith(PLAIN) || url.startsWith(TLS);
    }

    ShardedRedis(String url, ClientResources resources, Consumer<Throwable> lost) {
        this.seeds = seeds(url);
        this.client = RedisClusterClient.create(resources, seeds);
        client.setOptions(ClusterClientOptions.builder()
                .disconnectedBehavior(ClusterClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(RedisLink.COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(RedisLink.COMMAND_TIMEOUT).build())
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                        .enablePeriodicRefresh(Duration.ofSeconds(10))
                        .build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection instanceof StatefulRedisPubSubConnection<?, ?> subscriber && listening.remove(subscriber)) {
                    lost.accept(new IllegalStateException("a connection to the primary of one of its shards closed"));
                }
            }
        });
    }

    /** The nodes to learn the cluster from, with the URL's password and TLS. */
    private static List<RedisURI> seeds(String url) {
        boolean tls = url.startsWith(TLS);
        String rest = url.substring(tls ? TLS.length() : PLAIN.length());
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            rest = rest.substring(0, slash); // a Redis Cluster has database 0 only
        }
        int at = rest.lastIndexOf('@');
        String user = null;
        String password = null;
        if (at >= 0) {
            String credentials = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = credentials.indexOf(':');
            user = colon > 0 ? credentials.substring(0, colon) : null;
            password = colon >= 0 ? credentials.substring(colon + 1) : credentials;
        }
        List<RedisURI> nodes = new ArrayList<>(); // one per node the URL names: the operator's list, read once
        for (String node : rest.split(",")) {
            int colon = node.lastIndexOf(':');
            RedisURI.Builder builder = RedisURI.builder()
                    .withHost(colon > 0 ? node.substring(0, colon) : node)
                    .withPort(colon > 0 ? Integer.parseInt(node.substring(colon + 1)) : RedisURI.DEFAULT_REDIS_PORT)
                    .withSsl(tls);
            if (password != null) {
                builder = user == null ? builder.withPassword(password.toCharArray())
                        : builder.withAuthentication(user, password);
            }
            nodes.add(builder.build());
        }
        return nodes;
    }

    @Override
    Commands connectCommands() {
        StatefulRedisClusterConnection<String, String> connection = client.connect();
        return new Commands(connection, connection.async(), connection.sync());
    }

    @Override
    void listen(BiConsumer<String, String> receive) {
        StatefulRedisClusterPubSubConnection<String, String> subscriber = client.connectPubSub();
        subscriber.setNodeMessagePropagation(true);
        subscriber.addListener(new RedisClusterPubSubAdapter<>() {
            @Override
            public void smessage(RedisClusterNode node, String channel, String message) {
                receive.accept(channel, message);
            }
        });
        feed = subscriber;
    }

    @Override
    void subscribe(String channel) {
        try {
            StatefulRedisPubSubConnection<String, String> node = owner(channel);
            listening.add(node);
            node.sync().ssubscribe(channel);
        } catch (RuntimeException e) {
            client.refreshPartitions();
            throw e;
        }
    }

    @Override
    void unsubscribe(String channel) {
        try {
            owner(channel).async().sunsubscribe(channel);
        } catch (RuntimeException e) {
            // that primary is gone, and its subscriptions with it
        }
    }

    private StatefulRedisPubSubConnection<String, String> owner(String channel) {
        RedisClusterNode primary = feed.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
        if (primary == null) {
            throw new IllegalStateException("no primary serves the slot of a room's channel");
        }
        return feed.getConnection(primary.getNodeId());
    }

    @Override
    String publish() {
        return "SPUBLISH";
    }

    @Override
    String where() {
        return "the Redis Cluster at " + String.join(",", seeds.stream().map(node -> node.getHost() + ":" + node.getPort()).toList());
    }

    @Override
    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
