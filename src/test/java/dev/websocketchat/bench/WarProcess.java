package dev.websocketchat.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The built WAR in Tomcat, WildFly or Payara Micro, each from the distribution its container
 * profile unpacks under {@code target/containers} (run that profile once first), each with a
 * server directory of its own under {@code target/bench-<container>}, on loopback only.
 */
final class WarProcess {

    static final List<String> CONTAINERS = List.of("tomcat", "wildfly", "payara");

    private static final Path CONTAINERS_DIR = Path.of("target/containers");
    private static final Path WAR = Path.of("target/websocket-chat.war");
    private static final int STARTUP_SECONDS = 180;

    /** Why the container cannot run here, or null if it can. */
    static String missing(String container) {
        Path distribution = distribution(container);
        if (!Files.exists(WAR)) {
            return WAR + " is not built";
        }
        return Files.exists(distribution) ? null : distribution + " is missing: run its profile once (./mvnw verify -P"
                + Map.of("tomcat", "tomcat-managed", "wildfly", "wildfly", "payara", "payara").get(container) + ")";
    }

    /**
     * @param jvmOptions the container JVM's options, besides its own
     * @param settings {@code chat.*} system properties for the application
     */
    static ServerProcess start(String container, List<String> prefix, List<String> jvmOptions, Map<String, String> settings)
            throws Exception {
        List<String> properties = new ArrayList<>(jvmOptions);
        settings.forEach((key, value) -> properties.add("-D" + key + "=" + value));
        int port = ServerProcess.freePort();
        Path base = Path.of("target/bench-" + container).toAbsolutePath();
        deleteTree(base);
        ProcessBuilder builder = switch (container) {
            case "tomcat" -> tomcat(base, port, prefix, properties);
            case "wildfly" -> wildfly(base, port, prefix, properties);
            case "payara" -> payara(base, port, prefix, properties);
            default -> throw new IllegalArgumentException(container);
        };
        String context = container.equals("wildfly") ? "chat/" : "";
        Process process = ServerProcess.launch("bench-" + container, builder);
        URI application = URI.create("http://127.0.0.1:" + port + "/" + context);
        ServerProcess server = container.equals("tomcat") ? new ServerProcess(process, application, base.resolve("logs/catalina.log"))
                : new ServerProcess("bench-" + container, process, application);
        server.awaitHealthy(STARTUP_SECONDS);
        return server;
    }

    private static Path distribution(String container) {
        return CONTAINERS_DIR.resolve(switch (container) {
            case "tomcat" -> "apache-tomcat-" + System.getProperty("tomcat.version", "10.1.59");
            case "wildfly" -> "wildfly-" + System.getProperty("wildfly.version", "39.0.1.Final");
            case "payara" -> "payara-micro.jar";
            default -> throw new IllegalArgumentException(container);
        }).toAbsolutePath();
    }

    /** The distribution as CATALINA_HOME, with the test profile's server.xml and logging; the WAR as ROOT. */
    private static ProcessBuilder tomcat(Path base, int port, List<String> prefix, List<String> properties) throws IOException {
        Path home = distribution("tomcat");
        copyTree(home.resolve("conf"), base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps")) {
            Files.createDirectories(base.resolve(dir));
        }
        Files.copy(WAR, base.resolve("webapps/ROOT.war"));
        // its log (the test profile's: a file only) in one file of a fixed name, logs/catalina.log
        Files.writeString(base.resolve("conf/logging.properties"), "\n1catalina.org.apache.juli.AsyncFileHandler.rotatable = false\n"
                + "1catalina.org.apache.juli.AsyncFileHandler.prefix = catalina\n", java.nio.file.StandardOpenOption.APPEND);
        properties.add("-Dtomcat.http.port=" + port);
        properties.add("-Dtomcat.shutdown.port=" + ServerProcess.freePort());
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("sh", home.resolve("bin/catalina.sh").toString(), "run")); // unpacked without its mode bits
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(Map.of("CATALINA_HOME", home.toString(), "CATALINA_BASE", base.toString(),
                "CATALINA_OPTS", String.join(" ", properties)));
        return builder;
    }

    /** A server base directory of its own, from the distribution's; the WAR at /chat (WildFly keeps / for its welcome page). */
    private static ProcessBuilder wildfly(Path base, int port, List<String> prefix, List<String> properties) throws IOException {
        Path home = distribution("wildfly");
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(WAR, base.resolve("deployments/chat.war"));
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("sh", home.resolve("bin/standalone.sh").toString(), "-Djboss.server.base.dir=" + base,
                "-Djboss.bind.address=127.0.0.1", "-Djboss.bind.address.management=127.0.0.1", "-Djboss.http.port=" + port,
                "-Djboss.https.port=" + ServerProcess.freePort(), "-Djboss.management.http.port=" + ServerProcess.freePort()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_OPTS", String.join(" ", properties));
        return builder;
    }

    /** Payara Micro, clustering off, its HTTP listener moved to loopback before it starts. */
    private static ProcessBuilder payara(Path base, int port, List<String> prefix, List<String> properties) throws IOException {
        Files.createDirectories(base);
        Path preboot = base.resolve("preboot.asadmin");
        Files.writeString(preboot, "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1\n");
        List<String> command = new ArrayList<>(prefix);
        command.add(ServerProcess.java("java"));
        command.addAll(properties);
        command.addAll(List.of("-jar", distribution("payara").toString(), "--deploy", WAR.toAbsolutePath().toString(),
                "--contextroot", "/", "--port", String.valueOf(port), "--nocluster", "--disablephonehome",
                "--prebootcommandfile", preboot.toString(), "--rootdir", base.resolve("root").toString()));
        return new ProcessBuilder(command);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private WarProcess() {
    }
}
