package dev.websocketchat.admission;

import dev.websocketchat.log.LogSafe;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which {@code Host} a handshake may name: the server's answer to DNS rebinding, where a page on
 * {@code evil.example} has its name pointed at this server, so that its {@code Origin} and
 * {@code Host} agree and the origin check alone would let it in. Allowed: loopback names
 * ({@code localhost} and {@code *.localhost}), IP literals (a rebinding attacker needs a name),
 * this machine's own host name, and the hosts of the trusted origins ({@code CHAT_ALLOWED_ORIGINS}
 * and {@code CHAT_PUBLIC_ORIGIN}). The port is not compared: behind a proxy it differs.
 */
public final class HostPolicy {

    /** This machine's names, looked up once: they do not change while it runs. */
    private static final Set<String> MACHINE_NAMES = machineNames();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z]+)?\\]");

    private final Set<String> names;

    /** @param trustedOrigins lower-case origins such as {@code https://chat.example.com} */
    public HostPolicy(Set<String> trustedOrigins) {
        Set<String> hosts = new HashSet<>(MACHINE_NAMES);
        for (String origin : trustedOrigins) {
            String host = URI.create(origin).getHost();
            if (host != null) {
                hosts.add(host.toLowerCase(Locale.ROOT));
            }
        }
        this.names = Set.copyOf(hosts);
    }

    /** An HTTP request as a refusal line names it: its method and path, both as the client sent them, escaped. */
    public static String request(String method, String path) {
        return LogSafe.text(method, 16) + " " + LogSafe.text(path, 80);
    }

    /**
     * The log line for a request refused for its {@code Host}: what was asked ({@code "a handshake"},
     * {@code "GET /metrics"}), from where, for which host, and what to set if the name is right.
     */
    public static String refusalLine(String request, String remote, String hostHeader) {
        return "refused " + request + " from " + remote + " for host "
                + (hostHeader == null ? "(none)" : "\"" + LogSafe.text(hostHeader, 100) + "\"")
                + ", a name this server does not answer to (DNS rebinding?); if users reach the server by that name,"
                + " set CHAT_PUBLIC_ORIGIN to its origin";
    }

    /** @param hostHeader the handshake's {@code Host}, with or without a port; null refuses */
    public boolean answersTo(String hostHeader) {
        String host = hostName(hostHeader);
        return host != null && (host.equals("localhost") || host.endsWith(".localhost")
                || IPV4.matcher(host).matches() || IPV6.matcher(host).matches() || names.contains(host));
    }

    /** The name part, lower-case, without a trailing dot; a bracketed IPv6 literal as it is; null if there is none. */
    private static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (!host.startsWith("[")) {
            int colon = host.lastIndexOf(':');
            host = colon >= 0 ? host.substring(0, colon) : host;
        } else if (host.contains("]")) {
            host = host.substring(0, host.indexOf(']') + 1);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    private static Set<String> machineNames() {
        try {
            InetAddress local = InetAddress.getLocalHost();
            return Set.of(local.getHostName().toLowerCase(Locale.ROOT), local.getCanonicalHostName().toLowerCase(Locale.ROOT));
        } catch (UnknownHostException | SecurityException e) {
            return Set.of();
        }
    }
}
