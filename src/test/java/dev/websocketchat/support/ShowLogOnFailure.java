package dev.websocketchat.support;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints, under a failing test, the log lines written since the last test that ended well (its
 * class's set-up included): the servers' log stays out of the console of a passing run, and is
 * there when it is needed. Registered for every test through the service file and
 * {@code junit-platform.properties}; the lines come from {@link TestLog}, and those of a container
 * in a process of its own from {@link ContainerLog}.
 */
public final class ShowLogOnFailure implements TestWatcher, LifecycleMethodExecutionExceptionHandler {

    public ShowLogOnFailure() {
        ContainerLog.forget(); // before the first test: what a container logged earlier is not this run's
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        forget();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        forget();
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        forget();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        show(context.getDisplayName() + " in " + context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        show("the set-up of " + context.getDisplayName());
        throw failure;
    }

    @Override
    public void handleAfterAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        show("the tear-down of " + context.getDisplayName());
        throw failure;
    }

    private static void show(String what) {
        System.out.println("---- the log before " + what + " failed (all of it: " + TestLog.file().toAbsolutePath() + ") ----");
        System.out.print(TestLog.recent());
        System.out.print(ContainerLog.recent());
        System.out.println("---- end of the log before " + what + " ----");
        forget();
    }

    private static void forget() {
        TestLog.forget();
        ContainerLog.forget();
    }
}
