package dev.websocketchat.standalone;

import dev.websocketchat.http.Health;
import dev.websocketchat.http.SecurityHeaders;
import dev.websocketchat.room.ChatRoom;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;

/** {@code GET /health} on the standalone server. */
final class HealthHandler extends HttpHandler {

    private final ChatRoom room;

    HealthHandler(ChatRoom room) {
        this.room = room;
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        SecurityHeaders.apply(response::setHeader);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Health.of(room));
    }
}
