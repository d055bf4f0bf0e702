package dev.websocketchat.http;

import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.endpoint.ChatRooms;
import dev.websocketchat.room.ChatRoom;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.util.logging.Logger;

/**
 * The WAR's lifecycle: on deploy, reads the configuration and opens the room for this
 * application's WebSocket container; on undeploy, closes every connection with 1001.
 * The container deploys {@code ChatEndpoint} itself from its annotation.
 */
@WebListener
public class ChatApplication implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatApplication.class.getName());
    private static final String ROOM = ChatRoom.class.getName();

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatRoom room = new ChatRoom(ChatConfig.load());
        context.setAttribute(ROOM, room);
        ChatRooms.bind(container(context), room);
        LOG.info(() -> "chat ready at " + context.getContextPath() + "/chat");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        ChatRooms.unbind(container(context));
        room(context).close();
    }

    static ChatRoom room(ServletContext context) {
        return (ChatRoom) context.getAttribute(ROOM);
    }

    private static ServerContainer container(ServletContext context) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("this servlet container offers no WebSocket support");
        }
        return container;
    }
}
