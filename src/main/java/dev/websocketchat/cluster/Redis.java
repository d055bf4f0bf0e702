package dev.websocketchat.cluster;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.resource.ClientResources;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The Redis a {@link RedisLink} talks to, one seam over Lettuce's two clients: one server or
 * the primary its Sentinels name ({@link OneRedis}), or a Redis Cluster ({@link ShardedRedis}).
 * Both take the same commands, which the scripts make about one room at a time, every key of a
 * room in one hash slot; they differ in how a room's channel is heard and published to.
 */
abstract class Redis {

    /** The command connection, once {@link #connect} succeeded. */
    private volatile Commands commands;

    /** A command connection, and its commands that wait and do not wait for their answer. */
    record Commands(StatefulConnection<String, String> connection, RedisClusterAsyncCommands<String, String> async,
                    RedisClusterCommands<String, String> sync) {
    }

    /**
     * The Redis that {@code CHAT_REDIS_URL} names: {@code redis-cluster://} and
     * {@code rediss-cluster://} a Redis Cluster, any other a single primary.
     *
     * @param lost called when a connection this link hears or commands through drops
     */
    static Redis of(String url, ClientResources resources, Consumer<Throwable> lost) {
        return ShardedRedis.names(url) ? new ShardedRedis(url, resources, lost) : new OneRedis(url, resources, lost);
    }

    /**
     * Connects, once: the command connection, then the one for the channels, which hands every
     * message to {@code receive}; after that the client reconnects by itself. Throws if Redis
     * cannot be reached, having closed what it opened.
     */
    final void connect(BiConsumer<String, String> receive) {
        Commands connected = connectCommands();
        try {
            listen(receive);
        } catch (RuntimeException e) {
            connected.connection().closeAsync();
            throw e;
        }
        commands = connected;
    }

    /** Whether {@link #connect} succeeded once. */
    final boolean connected() {
        return commands != null;
    }

    /** Opens the command connection. */
    abstract Commands connectCommands();

    /** Opens the connection the channels are heard on, handing every message to {@code receive}. */
    abstract void listen(BiConsumer<String, String> receive);

    /** Commands that do not wait, in the order they are sent for any one room; once {@link #connected}. */
    final RedisClusterAsyncCommands<String, String> async() {
        return commands.async();
    }

    /** Commands that wait for their answer, up to the command timeout; once {@link #connected}. */
    final RedisClusterCommands<String, String> sync() {
        return commands.sync();
    }

    /** Hears a room's channel from now on; returns once Redis confirmed it. */
    abstract void subscribe(String channel);

    /** Stops hearing a room's channel, without waiting. */
    abstract void unsubscribe(String channel);

    /** The command the scripts publish a room's events with: {@code PUBLISH}, or {@code SPUBLISH} on a Redis Cluster. */
    abstract String publish();

    /** Where Redis is, for the log: addresses and names, never the password. */
    abstract String where();

    /** Closes the connections and the client. */
    abstract void shutdown();
}
