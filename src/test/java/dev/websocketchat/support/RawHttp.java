package dev.websocketchat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 request written byte for byte on a socket of its own: the method, path and
 * {@code Host} go as given, which no client library allows (Java's refuses to set {@code Host},
 * and tidies paths). The whole answer comes back once the server closes.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends {@code METHOD PATH HTTP/1.1} with the headers (each ending in CRLF) and
     * {@code Connection: close}; the path is sent as given, relative to nothing.
     */
    public static String exchange(URI application, String method, String path, String headers) {
        try (Socket socket = new Socket(application.getHost(), application.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status of {@code METHOD} on a path of the application, under the given {@code Host}. */
    public static int status(URI application, String method, String relativePath, String host) {
        String answer = exchange(application, method, application.getRawPath() + relativePath, "Host: " + host + "\r\n");
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** The application's own {@code Host}: its address and port as the tests reach it. */
    public static String ownHost(URI application) {
        return application.getHost() + ":" + application.getPort();
    }
}
