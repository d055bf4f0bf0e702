package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who is in a room by name: how many of its connections carry each name, in the order the
 * {@code history} frame lists them (by name, as Java and JavaScript compare strings: UTF-16 code
 * units). Holds only names with a connection, so its size is bounded by the room's. Not
 * thread-safe: the room calls it with its lock held.
 */
final class NameCounts {

    private final TreeMap<String, Integer> counts = new TreeMap<>();

    void add(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    void remove(String name) {
        counts.computeIfPresent(name, (key, count) -> count == 1 ? null : count - 1);
    }

    void clear() {
        counts.clear();
    }

    /** Follows a join, leave or rename announced to the room; nothing else changes the list. */
    void follow(ServerEvent event) {
        if (event instanceof Join join && join.name() != null) {
            add(join.name());
        } else if (event instanceof Leave leave && leave.name() != null) {
            remove(leave.name());
        } else if (event instanceof Rename rename) {
            remove(rename.from());
            add(rename.to());
        }
    }

    /**
     * Becomes {@code target}, and returns the leaves, then the joins, that say so, each with the
     * count it leaves: counting from this list's total down and up to the target's.
     */
    List<ServerEvent> become(Map<String, Integer> target) {
        int online = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<ServerEvent> changes = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            for (int gone = entry.getValue() - target.getOrDefault(entry.getKey(), 0); gone > 0; gone--) {
                changes.add(Leave.of(--online, entry.getKey()));
            }
        }
        for (Map.Entry<String, Integer> entry : new TreeMap<>(target).entrySet()) {
            for (int come = entry.getValue() - counts.getOrDefault(entry.getKey(), 0); come > 0; come--) {
                changes.add(Join.of(++online, entry.getKey()));
            }
        }
        counts.clear();
        target.forEach((name, count) -> {
            if (count > 0) {
                counts.put(name, count);
            }
        });
        return changes;
    }

    /** The list as a newcomer gets it. */
    List<User> list() {
        List<User> users = new ArrayList<>(counts.size());
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            users.add(new User(entry.getKey(), entry.getValue()));
        }
        return users;
    }
}
