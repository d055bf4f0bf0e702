package dev.websocketchat.room;

/** Memory budgets for the room's unit tests. */
final class Budgets {

    private Budgets() {
    }

    /** A budget of its own that no test reaches, so that its counts are the test's alone. */
    static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Runnable::run);
    }
}
