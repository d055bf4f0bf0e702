package dev.websocketchat.http;

import dev.websocketchat.endpoint.OriginPolicy;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * Answers a WebSocket handshake from a foreign origin with HTTP 403 in the WAR, before the
 * container upgrades it. That works where the container runs the application's filters before
 * its own upgrade (Tomcat, WildFly and Payara do, as the WAR tests check); elsewhere, and in the
 * standalone server, the endpoint refuses the same origins with a 1008 close instead.
 * {@link OriginPolicy} decides in both places.
 */
@WebFilter("/chat")
public class OriginFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(OriginFilter.class.getName());

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        OriginPolicy policy = new OriginPolicy(ChatApplication.room(getServletContext()).config().allowedOrigins());
        if (policy.allows(origin, request.getHeader("Host"), request.getScheme())) {
            chain.doFilter(request, response);
            return;
        }
        LOG.info(() -> "refused a handshake from origin " + origin);
        response.sendError(HttpServletResponse.SC_FORBIDDEN, "origin not allowed");
    }
}
