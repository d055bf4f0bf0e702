package dev.websocketchat.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.websocketchat.protocol.ServerEvent;
import dev.websocketchat.protocol.ServerEvent.History;
import dev.websocketchat.protocol.ServerEvent.Join;
import dev.websocketchat.protocol.ServerEvent.Leave;
import dev.websocketchat.protocol.ServerEvent.Rename;
import dev.websocketchat.protocol.ServerEvent.User;
import java.util.List;
import java.util.TreeMap;

/**
 * Who is in a room, kept as a client keeps it: the {@code users} of its history frame, then one
 * step per join, leave and rename. (The newcomer's own join, which follows its history, is
 * already in the list: read it before {@link #apply}ing the rest.) Equal when the counts per name are.
 */
public final class UserList {

    private final TreeMap<String, Integer> counts = new TreeMap<>();

    public static UserList from(History history) {
        return from(history.users());
    }

    public static UserList from(List<User> users) {
        UserList list = new UserList();
        for (User user : users) {
            assertThat(user.connections()).as(user.name()).isPositive();
            list.counts.put(user.name(), user.connections());
        }
        return list;
    }

    public void add(String name) {
        counts.merge(name, 1, Integer::sum);
    }

    public void remove(String name) {
        assertThat(counts).as("a leave of someone here").containsKey(name);
        counts.computeIfPresent(name, (key, count) -> count == 1 ? null : count - 1);
    }

    public void rename(String from, String to) {
        remove(from);
        add(to);
    }

    /** Takes one presence event into the list; anything else fails the test. */
    public void apply(ServerEvent event) {
        if (event instanceof Join join) {
            add(join.name());
        } else if (event instanceof Leave leave) {
            remove(leave.name());
        } else if (event instanceof Rename rename) {
            rename(rename.from(), rename.to());
        } else {
            throw new AssertionError("not a presence event: " + event);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UserList list && list.counts.equals(counts);
    }

    @Override
    public int hashCode() {
        return counts.hashCode();
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
