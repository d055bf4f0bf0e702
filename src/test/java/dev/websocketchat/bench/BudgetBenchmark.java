package dev.websocketchat.bench;

import dev.websocketchat.bench.BudgetAttacks.Outcome;
import dev.websocketchat.support.Scrape;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The budgets issue's attacks against the jar and the WAR in a container, each server at its
 * default settings and {@code -Xmx384m} (the heap the Docker image gets in {@code deploy/k8s/}),
 * as a process of its own: while each attack runs, two victims chat in the lobby at the rate
 * limit's pace, and the benchmark prints their latency, the frames a victim got besides the
 * chats (joins, leaves, the attacker's chats) per second, the server's heap after a full GC with
 * what the attacker still holds, what the server logged, and what the attacker got.
 * {@code ./mvnw -Pbench verify -Dbench.main=BudgetBenchmark -Dbench.servers=java,tomcat} (a
 * container's profile run once first, as for every WAR benchmark).
 *
 * <p>Exits non-zero if the server stopped answering, a victim lost a chat, the heap after GC
 * rose past the start plus the server's memory budget, or an attack got what the budgets refuse
 * (its line says what). The victims' latency is printed, not judged: it depends on the machine.
 */
public final class BudgetBenchmark {

    private static final List<String> JVM = List.of("-Xmx384m", "-XX:+ExitOnOutOfMemoryError");
    /** Defaults, but for a proxy to come through (attack 11); a trusted proxy changes nothing for anyone else. */
    private static final Map<String, String> SETTINGS = Map.of("chat.trusted.proxies", BudgetAttacks.PROXY);

    private interface Attack {
        Outcome run() throws Exception;
    }

    private final ServerProcess server;
    private final BudgetAttacks attacks;
    private Victims victims;
    private long startKib;
    private long budgetKib;
    private boolean passed = true;

    private BudgetBenchmark(ServerProcess server) {
        this.server = server;
        this.attacks = new BudgetAttacks(server);
    }

    public static void main(String[] args) throws Exception {
        boolean passed = true;
        for (String name : System.getProperty("bench.servers", "java,tomcat").split(",")) {
            String missing = name.equals("java") ? null
                    : WarProcess.CONTAINERS.contains(name) ? WarProcess.missing(name) : "not a Java server";
            if (missing != null) {
                System.out.println(name + ": skipped, " + missing);
                passed &= !WarProcess.CONTAINERS.contains(name);
                continue;
            }
            try (ServerProcess server = name.equals("java") ? ServerProcess.start("budget-java", JVM, SETTINGS)
                    : WarProcess.start(name, List.of(), JVM, SETTINGS)) {
                System.out.printf("%n%s, %s, its log in %s%n", name, String.join(" ", JVM), server.log());
                passed &= new BudgetBenchmark(server).run();
            }
        }
        System.exit(passed ? 0 : 1);
    }

    private boolean run() throws Exception {
        try (Victims lobby = new Victims(server.chat())) {
            victims = lobby;
            startKib = server.heapAfterGcKib();
            Scrape metrics = Scrape.of(server.application());
            budgetKib = (long) (metrics.value("chat_budget_bytes{account=\"history\"}")
                    + metrics.value("chat_budget_bytes{account=\"queues\"}")) / 1024;
            System.out.printf("heap after GC at start %d MiB; memory budget %d MiB%n", startKib / 1024, budgetKib / 1024);
            System.out.println("attack                              victims' p50 / p99 / max ms   lost  frames/s   heap MiB   log KiB   the attacker got");
            attack("1 history fill, 40 connections", attacks::historyFill);
            attack("2 room squat", attacks::roomSquat);
            attack("3 flood past a 10 Mbit/s reader", attacks::floodPastASlowReader);
            attack("4 raw sockets, 1,000", attacks::rawSockets);
            attack("5 quiet readers", attacks::quietReaders);
            attack("6 a big history, then a newcomer", attacks::bigHistory);
            attack("8 presence churn, 20 connections", attacks::presenceChurn);
            attack("9 rebinding Host", attacks::rebinding);
            attack("10 invisible texts, deceiving names", attacks::deception);
            attack("11 through a trusted proxy", attacks::throughAProxy);
            attack("12 HTTP oddities", attacks::httpOddities);
            System.out.printf("7 logs: %d KiB in all (each attack's in its line)%n", Files.size(server.log()) / 1024);
        }
        return passed;
    }

    private void attack(String name, Attack attack) throws Exception {
        long logged = Files.size(server.log());
        long started = System.nanoTime();
        Victims.Round round = victims.begin(Duration.ofMillis(100)); // 10 a second, CHAT_RATE_LIMIT
        attacks.next(round);
        Outcome outcome;
        try {
            outcome = attack.run();
        } catch (Exception | AssertionError e) {
            outcome = Outcome.of("", "the attack itself failed: " + e);
        }
        Victims.Seen seen = round.stop();
        String health = health();
        long heapKib = health == null ? server.heapAfterGcKib() : -1;
        for (AutoCloseable held : outcome.held()) {
            held.close();
        }
        long logKib = (Files.size(server.log()) - logged) / 1024;
        System.out.printf("%-35s %8.1f / %6.1f / %7.1f   %4d  %8.0f   %8d   %7d   %s%n", name, seen.percentile(50), seen.percentile(99),
                seen.percentile(100), seen.lost(), seen.otherFrames() * 1e9 / (System.nanoTime() - started), heapKib / 1024, logKib,
                outcome.got());
        for (String failure : new String[] {health, seen.lost() == 0 ? null : seen.lost() + " of " + seen.sent() + " probes lost",
                heapKib - startKib <= budgetKib ? null : "the heap after GC rose past the memory budget", outcome.failure()}) {
            if (failure != null) {
                System.out.println("    FAILED: " + failure);
                passed = false;
            }
        }
    }

    /** Null if the server answers {@code /health} with UP, else what it did. */
    private String health() {
        try {
            String answer = server.get("health");
            return answer.contains("UP") ? null : "/health answered " + answer;
        } catch (Exception e) {
            return "/health did not answer: " + e;
        }
    }
}
