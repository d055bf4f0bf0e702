package dev.websocketchat.war;

import dev.websocketchat.cluster.Cluster;
import dev.websocketchat.config.ChatConfig;
import dev.websocketchat.endpoint.ChatEndpoint;
import dev.websocketchat.endpoint.ChatRooms;
import dev.websocketchat.metrics.ChatMetrics;
import dev.websocketchat.room.Rooms;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;
import java.util.Collections;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The WAR's lifecycle: on deploy, reads the configuration and opens the rooms for this
 * application's WebSocket container; on undeploy, flushes and closes every connection with 1001.
 * The container deploys {@code ChatEndpoint} and {@code RoomEndpoint} itself from their annotations.
 *
 * <p>Configuration: environment variables, then system properties, then the WAR's own
 * {@code chat.*} context parameters (a {@code web.xml} or the container's context configuration
 * may set them), then the defaults.
 *
 * <p>Undeploy: containers stop their WebSocket support in a listener of their own, and Tomcat's
 * runs before this one's {@code contextDestroyed}, closing every session at once. Filters are
 * destroyed before any listener is told, so {@link HandshakeFilter#destroy()} closes the rooms
 * first, while sends still work; {@code contextDestroyed} closes it in case no filter was made.
 */
@WebListener
public class ChatApplication implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ChatApplication.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Rooms rooms = Cluster.openRooms(ChatConfig.from(System.getenv(), settings(context)), new ChatMetrics());
        ServerContainer container = container(context);
        ChatEndpoint.setSessionDefaults(container); // Tomcat sizes each new session's buffers from them
        ChatRooms.bind(container, rooms);
        LOG.info(() -> "chat ready at " + context.getContextPath() + "/chat and " + context.getContextPath() + "/chat/{room}");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Rooms rooms = rooms(context);
        ChatRooms.unbind(container(context));
        rooms.close();
    }

    /** System properties over the context's {@code chat.*} parameters. */
    private static Properties settings(ServletContext context) {
        Properties settings = new Properties();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith("chat.")) {
                settings.setProperty(name, context.getInitParameter(name));
            }
        }
        settings.putAll(System.getProperties());
        return settings;
    }

    /** The application's rooms, from the one registry the endpoints find them in too. */
    static Rooms rooms(ServletContext context) {
        return ChatRooms.of(container(context));
    }

    private static ServerContainer container(ServletContext context) {
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new IllegalStateException("this servlet container offers no WebSocket support");
        }
        return container;
    }
}
