package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent.History;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * Random joins, clean leaves, TCP resets and renames in one room, with watchers whose lists,
 * kept as a client keeps them ({@link UserList}), are compared with what was done after every
 * step. A join is a client that reads, or a raw socket, which can only leave, by close or reset.
 */
public final class Churn {

    private static final List<String> NAMES = List.of("철수", "영희", "민수", "Zoë");

    /** A client in the room whose list is checked; its history and own join already read into {@code seen}. */
    public record Watcher(String where, ChatClient client, UserList seen) {
    }

    private final Random random;
    private final long seed;
    private final OpenedClients opened;
    private final BiFunction<Random, String, URI> joinAt;
    private final List<Participant> in = new ArrayList<>();

    /**
     * @param joinAt the URI a connection joins under a name (the room's, on an instance the
     *               function may pick at random)
     */
    public Churn(long seed, OpenedClients opened, BiFunction<Random, String, URI> joinAt) {
        this.random = new Random(seed);
        this.seed = seed;
        this.opened = opened;
        this.joinAt = joinAt;
    }

    /** Runs the steps; {@code expected} starts as who is in the room (the watchers) and ends as who is. */
    public void run(int steps, List<Watcher> watchers, UserList expected) throws Exception {
        for (int step = 0; step < steps; step++) {
            for (Participant each : in) {
                each.keepAlive(); // a raw socket answers no ping: past CHAT_IDLE_SECONDS it would leave by itself
            }
            if (!step(expected)) {
                continue;
            }
            for (Watcher watcher : watchers) {
                watcher.seen().apply(watcher.client().next());
                assertThat(watcher.seen()).as("%s after step %d (seed %d)", watcher.where(), step, seed).isEqualTo(expected);
            }
        }
    }

    /** One random step, reflected in {@code expected}; false if it announces nothing. */
    private boolean step(UserList expected) throws Exception {
        int op = in.isEmpty() ? 0 : random.nextInt(4);
        String name = NAMES.get(random.nextInt(NAMES.size()));
        if (op == 0) {
            URI uri = joinAt.apply(random, name);
            in.add(random.nextBoolean() ? new Participant(name, null, opened.track(RawWebSocket.open(uri)))
                    : Participant.reading(name, opened.track(ChatClient.connect(uri))));
            expected.add(name);
        } else if (op == 3) {
            Participant renamer = in.get(random.nextInt(in.size()));
            if (renamer.client() == null || renamer.name().equals(name)) {
                return false; // raw sockets only leave; a rename to the same name announces nothing
            }
            renamer.client().send("{\"type\":\"rename\",\"name\":\"" + name + "\"}");
            expected.rename(renamer.name(), name);
            in.set(in.indexOf(renamer), new Participant(name, renamer.client(), null));
        } else {
            Participant leaving = in.remove(random.nextInt(in.size()));
            leaving.leave(op == 2);
            expected.remove(leaving.name());
        }
        return true;
    }

    private record Participant(String name, ChatClient client, RawWebSocket raw) {

        static Participant reading(String name, ChatClient client) {
            client.next(History.class);
            return new Participant(name, client, null);
        }

        /** An unsolicited pong, which shows the connection alive and which the server answers with nothing. */
        void keepAlive() throws Exception {
            if (raw != null) {
                raw.sendFrame(0xA, new byte[0], true, true);
            }
        }

        void leave(boolean reset) throws Exception {
            if (raw != null && reset) {
                raw.reset();
            } else if (raw != null) {
                raw.close();
            } else {
                client.close();
            }
        }
    }
}
