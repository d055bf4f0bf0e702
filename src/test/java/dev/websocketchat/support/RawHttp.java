package dev.websocketchat.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request written byte for byte on a socket of its own: the method, path and
 * {@code Host} go as given, which no client library allows (Java's refuses to set {@code Host},
 * and tidies paths). Either the whole answer comes back, once the server closes, or only its head,
 * for a server that may keep the connection open whatever the request said (WildFly after a
 * refused upgrade).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends {@code METHOD PATH HTTP/1.1} with the headers (each ending in CRLF) and
     * {@code Connection: close}; the path is sent as given, relative to nothing.
     */
    public static String exchange(URI application, String method, String path, String headers) {
        return send(application, method, path, headers, false);
    }

    /** As {@link #exchange}, but only the answer's head: its status line and headers. */
    public static String head(URI application, String method, String path, String headers) {
        return send(application, method, path, headers, true);
    }

    /** The status of {@code METHOD} on a path of the application, under the given {@code Host}. */
    public static int status(URI application, String method, String relativePath, String host) {
        String answer = head(application, method, application.getRawPath() + relativePath, "Host: " + host + "\r\n");
        return Integer.parseInt(answer.substring(9, 12));
    }

    private static String send(URI application, String method, String path, String headers, boolean headOnly) {
        try (Socket socket = new Socket(application.getHost(), application.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            if (!headOnly) {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            StringBuilder head = new StringBuilder();
            InputStream in = socket.getInputStream();
            for (int next = in.read(); next >= 0 && head.indexOf("\r\n\r\n") < 0; next = in.read()) {
                head.append((char) next);
            }
            return head.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The application's own {@code Host}: its address and port as the tests reach it. */
    public static String ownHost(URI application) {
        return application.getHost() + ":" + application.getPort();
    }
}
