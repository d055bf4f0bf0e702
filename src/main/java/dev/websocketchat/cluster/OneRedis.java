package dev.websocketchat.cluster;

import dev.websocketchat.log.LogSafe;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * One Redis server, or the primary that its Sentinels name ({@code redis-sentinel://}): a
 * connection for commands and one for the channels, which Lettuce moves to a new primary after a
 * failover. Plain {@code PUBLISH}, so any Redis from 6 on will do.
 */
final class OneRedis extends Redis {

    private final RedisURI uri;
    private final RedisClient client;
    private volatile StatefulRedisConnection<String, String> commands;
    private volatile StatefulRedisPubSubConnection<String, String> feed;

    OneRedis(String url, ClientResources resources, Consumer<Throwable> lost) {
        this.uri = RedisURI.create(url);
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(RedisLink.COMMAND_TIMEOUT))
                .socketOptions(SocketOptions.builder().connectTimeout(RedisLink.COMMAND_TIMEOUT).build())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                // The client's other connections come and go: Lettuce asks a Sentinel for the primary on one of its own.
                if (connection == commands || connection == feed) {
                    lost.accept(new IllegalStateException("a connection to it closed"));
                }
            }
        });
    }

    @Override
    Commands connectCommands() {
        commands = client.connect();
        return new Commands(commands, commands.async(), commands.sync());
    }

    @Override
    void listen(BiConsumer<String, String> receive) {
        StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                receive.accept(channel, message);
            }
        });
        feed = subscriber;
    }

    @Override
    void subscribe(String channel) {
        feed.sync().subscribe(channel);
    }

    @Override
    void unsubscribe(String channel) {
        StatefulRedisPubSubConnection<String, String> subscriber = feed;
        if (subscriber != null && subscriber.isOpen()) {
            subscriber.async().unsubscribe(channel);
        }
    }

    @Override
    String publish() {
        return "PUBLISH";
    }

    @Override
    String where() {
        if (uri.getSentinels().isEmpty()) {
            return uri.getHost() + ":" + uri.getPort();
        }
        return "primary " + LogSafe.text(uri.getSentinelMasterId()) + " of the Sentinels at "
                + uri.getSentinels().stream().map(sentinel -> sentinel.getHost() + ":" + sentinel.getPort())
                        .collect(Collectors.joining(","));
    }

    @Override
    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
