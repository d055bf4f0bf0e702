package dev.websocketchat.war;

import dev.websocketchat.admission.HostPolicy;
import dev.websocketchat.room.Rejection;
import dev.websocketchat.room.Rooms;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers a request naming a host the server does not answer to ({@link HostPolicy}: DNS
 * rebinding) with 403 on every path of the WAR, the page, {@code /health}, {@code /metrics} and
 * {@code /rooms} as well as {@code /chat}, whose handshake {@link HandshakeFilter} judges again with
 * its origin.
 */
@WebFilter("/*")
public class HostFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(HostFilter.class.getName());

    private HostPolicy hosts;
    private Rooms rooms;

    /** The application's rooms are made before any filter starts ({@link ChatApplication}). */
    @Override
    public void init() {
        rooms = ChatApplication.rooms(getServletContext());
        hosts = new HostPolicy(rooms.config().trustedOrigins());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String host = request.getHeader("Host");
        if (hosts.answersTo(host)) {
            chain.doFilter(request, response);
            return;
        }
        rooms.metrics().rejected(Rejection.HOST);
        String remote = request.getRemoteAddr();
        rooms.logs().log(LOG, Level.INFO, "host", remote,
                () -> HostPolicy.refusalLine(HostPolicy.request(request.getMethod(), request.getRequestURI()), remote, host));
        response.sendError(HttpServletResponse.SC_FORBIDDEN, "this server does not answer to that host");
    }
}
