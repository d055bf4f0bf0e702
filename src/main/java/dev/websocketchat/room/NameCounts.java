package dev.websocketchat.room;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who is in a room by name: how many of its connections carry each name, in the order the
 * {@code history} frame lists them (by name, as Java and JavaScript compare strings: UTF-16 code
 * units; a verified user after a guest of the same name). A name a verified user proved and the
 * same name typed by a guest are two entries. Holds only names with a connection, so its size is
 * bounded by the room's. Not thread-safe: the room calls it with its lock held.
 */
final class NameCounts {

    /** A name, and the verified user's id behind it (null for a guest). */
    private record Who(String name, String user) {
    }

    private static final Comparator<Who> ORDER = Comparator.comparing(Who::name)
            .thenComparing(Who::user, Comparator.nullsFirst(Comparator.naturalOrder()));

    private final TreeMap<Who, Integer> counts = new TreeMap<>(ORDER);

    void add(String name, String user) {
        counts.merge(new Who(name, user), 1, Integer::sum);
    }

    void remove(String name, String user) {
        counts.computeIfPresent(new Who(name, user), (key, count) -> count == 1 ? null : count - 1);
    }

    /** Whether a verified user holds the name (a guest of that name does not count). */
    boolean verified(String name) {
        Who first = counts.ceilingKey(new Who(name, ""));
        return first != null && first.name().equals(name);
    }

    void clear() {
        counts.clear();
    }

    /** Follows a join, leave or rename announced to the room; nothing else changes the list. */
    void follow(ServerEvent event) {
        if (event instanceof Join join && join.name() != null) {
            add(join.name(), join.user());
        } else if (event instanceof Leave leave && leave.name() != null) {
            remove(leave.name(), leave.user());
        } else if (event instanceof Rename rename) { // only guests rename
            remove(rename.from(), null);
            add(rename.to(), null);
        }
    }

    /**
     * Becomes {@code target}, a cluster's list, and returns the leaves, then the joins, that say
     * so, each with the count it leaves: counting from this list's total down and up to the target's.
     */
    List<ServerEvent> become(List<User> target) {
        TreeMap<Who, Integer> wanted = new TreeMap<>(ORDER);
        for (User user : target) {
            if (user.connections() > 0) {
                wanted.merge(new Who(user.name(), user.user()), user.connections(), Integer::sum);
            }
        }
        int online = counts.values().stream().mapToInt(Integer::intValue).sum();
        List<ServerEvent> changes = new ArrayList<>();
        for (Map.Entry<Who, Integer> entry : counts.entrySet()) {
            for (int gone = entry.getValue() - wanted.getOrDefault(entry.getKey(), 0); gone > 0; gone--) {
                changes.add(Leave.of(--online, entry.getKey().name(), entry.getKey().user()));
            }
        }
        for (Map.Entry<Who, Integer> entry : wanted.entrySet()) {
            for (int come = entry.getValue() - counts.getOrDefault(entry.getKey(), 0); come > 0; come--) {
                changes.add(Join.of(++online, entry.getKey().name(), entry.getKey().user()));
            }
        }
        counts.clear();
        counts.putAll(wanted);
        return changes;
    }

    /** The list as a newcomer gets it. */
    List<User> list() {
        List<User> users = new ArrayList<>(counts.size());
        for (Map.Entry<Who, Integer> entry : counts.entrySet()) {
            users.add(new User(entry.getKey().name(), entry.getValue(), entry.getKey().user()));
        }
        return users;
    }
}
