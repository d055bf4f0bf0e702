package dev.websocketchat.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.websocketchat.room.Rooms;
import java.io.UncheckedIOException;

/**
 * The {@code GET /health} answer, {@code {"status":"UP","online":N,"here":M}}: cheap, no lock
 * taken. {@code online} is the count clients are told, over all rooms (cluster-wide in cluster
 * mode), {@code here} this instance's connections. {@code DEGRADED} (still 200: the instance serves its own clients)
 * while a clustered instance cannot reach Redis; {@code online} is then this instance's count too.
 */
public record Health(String status, int online, int here) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static String of(Rooms rooms) {
        try {
            return JSON.writeValueAsString(new Health(rooms.degraded() ? "DEGRADED" : "UP", rooms.chatOnline(), rooms.online()));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
