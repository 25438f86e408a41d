package io.brokersim.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.SchedulerTask;
import org.junit.jupiter.api.Test;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

class VirtualTimeSchedulerTest {

    private static final long MS = 1_000_000L;

    /** Runs tasks on the calling thread and records reported failures. */
    private static final class InlineContext implements ExecutionContext {
        final List<Throwable> failures = new ArrayList<>();

        @Override
        public void execute(Runnable runnable) {
            runnable.run();
        }

        @Override
        public void reportFailure(Throwable cause) {
            failures.add(cause);
        }
    }

    private final SimLoop loop = new SimLoop();
    private final VirtualTimeScheduler scheduler =
            VirtualTimeScheduler.adopting(loop, () -> new VirtualTimeScheduler(null, null, null));
    private final InlineContext inline = new InlineContext();
    private final List<Long> firedAtMillis = new ArrayList<>();

    private static FiniteDuration millis(long ms) {
        return FiniteDuration.apply(ms, "ms");
    }

    @Test
    void constructor_outsideDeterministicRuntime_failsWithClearMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new VirtualTimeScheduler(null, null, null));

        assertTrue(e.getMessage().contains("DeterministicRuntime.start"), e.getMessage());
    }

    @Test
    void scheduleOnce_advancedPastDue_runsOnItsExecutionContextAtDueTime() {
        scheduler.scheduleOnce(millis(1_500), () -> firedAtMillis.add(loop.nowNanos() / MS), inline);

        loop.advanceBy(Duration.ofSeconds(2));

        assertEquals(List.of(1_500L), firedAtMillis);
    }

    @Test
    void scheduleOnce_cancelled_neverRunsAndNotifiesSchedulerTask() {
        boolean[] notified = new boolean[1];
        SchedulerTask task = new SchedulerTask() {
            @Override
            public void run() {
                firedAtMillis.add(loop.nowNanos() / MS);
            }

            @Override
            public void cancelled() {
                notified[0] = true;
            }
        };
        Cancellable c = scheduler.scheduleOnce(millis(10), task, inline);

        assertTrue(c.cancel());
        loop.advanceBy(Duration.ofSeconds(1));

        assertTrue(notified[0]);
        assertTrue(c.isCancelled());
        assertEquals(List.of(), firedAtMillis);
    }

    @Test
    void scheduleAtFixedRate_keepsRateFromFirstDue() {
        scheduler.scheduleAtFixedRate(millis(100), millis(250), () -> firedAtMillis.add(loop.nowNanos() / MS), inline);

        loop.advanceBy(Duration.ofSeconds(1));

        assertEquals(List.of(100L, 350L, 600L, 850L), firedAtMillis);
    }

    @Test
    void scheduleWithFixedDelay_builtFromScheduleOnce_firesInVirtualTime() {
        Cancellable c = scheduler.scheduleWithFixedDelay(Duration.ofMillis(100), Duration.ofMillis(300),
                () -> firedAtMillis.add(loop.nowNanos() / MS), inline);

        loop.advanceBy(Duration.ofSeconds(1));
        assertTrue(c.cancel());
        loop.advanceBy(Duration.ofSeconds(1));

        assertEquals(List.of(100L, 400L, 700L, 1_000L), firedAtMillis);
    }

    @Test
    void schedule_runnableThrows_stopsRepeatingAndReportsFailure() {
        scheduler.scheduleAtFixedRate(millis(100), millis(100), () -> {
            firedAtMillis.add(loop.nowNanos() / MS);
            throw new IllegalStateException("boom");
        }, inline);

        loop.advanceBy(Duration.ofSeconds(1));

        assertEquals(List.of(100L), firedAtMillis);
        assertEquals(1, inline.failures.size());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void schedule_zeroInterval_isRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> scheduler.scheduleAtFixedRate(millis(1), millis(0), () -> { }, inline));
    }

    @Test
    void cancel_periodicAfterSomeRuns_stopsAndSecondCancelReturnsFalse() {
        Cancellable c = scheduler.scheduleAtFixedRate(millis(10), millis(10),
                () -> firedAtMillis.add(loop.nowNanos() / MS), inline);
        loop.advanceBy(Duration.ofMillis(30));

        assertTrue(c.cancel());
        assertFalse(c.cancel());
        loop.advanceBy(Duration.ofMillis(100));

        assertEquals(List.of(10L, 20L, 30L), firedAtMillis);
    }

    @Test
    void maxFrequency_default_isOneGigahertz() {
        assertEquals(1.0e9, scheduler.maxFrequency());
    }
}
