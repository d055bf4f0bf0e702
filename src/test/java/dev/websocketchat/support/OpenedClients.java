package dev.websocketchat.support;

import java.util.ArrayList;
import java.util.List;

/** What one test opened, to be closed when it ends; clients may be added from several threads. */
public final class OpenedClients {

    private final List<AutoCloseable> opened = new ArrayList<>();

    public synchronized <T extends AutoCloseable> T track(T client) {
        opened.add(client);
        return client;
    }

    /** Closes everything tracked so far, in order, and forgets it. */
    public void closeAll() throws Exception {
        List<AutoCloseable> clients;
        synchronized (this) {
            clients = new ArrayList<>(opened);
            opened.clear();
        }
        for (AutoCloseable client : clients) {
            client.close();
        }
    }
}
