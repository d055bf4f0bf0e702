package dev.websocketchat.identity;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections that have not yet proven who they are, by client address: they hold a socket and a
 * little memory for up to {@value Gate#PROOF_SECONDS} s each, so they count against the same limits
 * as admitted ones ({@code CHAT_MAX_CONNECTIONS_PER_ADDRESS}, {@code CHAT_MAX_CONNECTIONS}).
 * Holds only addresses with a connection waiting, so its size is bounded by them.
 */
final class Waiting {

    private final ConcurrentHashMap<String, Integer> byAddress = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private final int maxTotal;
    private final int maxPerAddress;

    /** @param maxPerAddress 0 for no limit per address */
    Waiting(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a place for one more connection from the address, which has {@code admitted} in already; false if none is left. */
    boolean start(String address, int admitted) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        boolean[] taken = {false};
        byAddress.compute(address, (key, count) -> {
            int now = count == null ? 0 : count;
            if (maxPerAddress > 0 && now + admitted >= maxPerAddress) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) {
            total.decrementAndGet();
        }
        return taken[0];
    }

    /** Gives back the place {@link #start} took. */
    void stop(String address) {
        byAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
        total.decrementAndGet();
    }

    /** Connections waiting now, over all addresses. */
    int total() {
        return total.get();
    }
}
