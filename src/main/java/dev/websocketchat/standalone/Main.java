package dev.websocketchat.standalone;

/**
 * The runnable jar's entry point. It names {@link ShutdownLogManager} as the JVM's log manager
 * before any logger exists (a class with a {@code Logger} field would create one as it loads,
 * which is why this class has none), then runs {@link ChatServer#main}.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", ShutdownLogManager.class.getName());
        }
        ChatServer.main(args);
    }
}
