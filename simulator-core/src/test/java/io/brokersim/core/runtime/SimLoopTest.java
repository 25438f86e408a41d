package io.brokersim.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SimLoopTest {

    private static final long MS = 1_000_000L;

    private final SimLoop loop = new SimLoop();
    private final List<String> fired = new ArrayList<>();

    private Runnable record(String name) {
        return () -> fired.add(loop.nowNanos() / MS + ":" + name);
    }

    @Test
    void timers_differentDueTimes_fireInDueOrder() {
        loop.schedule(30 * MS, record("c"));
        loop.schedule(10 * MS, record("a"));
        loop.schedule(20 * MS, record("b"));

        loop.advanceBy(Duration.ofMillis(100));

        assertEquals(List.of("10:a", "20:b", "30:c"), fired);
        assertEquals(100 * MS, loop.nowNanos());
    }

    @Test
    void timers_sameDueTime_fireInSchedulingOrder() {
        for (int i = 0; i < 50; i++) {
            loop.schedule(5 * MS, record("t" + i));
        }

        loop.advanceTo(5 * MS);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("5:t" + i);
        }
        assertEquals(expected, fired);
    }

    @Test
    void timers_armedAtDifferentTimesForSameInstant_fireInArmingOrder() {
        loop.schedule(10 * MS, record("early"));
        loop.advanceBy(Duration.ofMillis(4));
        loop.schedule(6 * MS, record("late"));

        loop.advanceBy(Duration.ofMillis(10));

        assertEquals(List.of("10:early", "10:late"), fired);
    }

    @Test
    void periodicTimer_advancedPastSeveralPeriods_rearmsAtFixedRate() {
        loop.schedulePeriodic(10 * MS, 25 * MS, record("p"));

        loop.advanceBy(Duration.ofMillis(100));

        assertEquals(List.of("10:p", "35:p", "60:p", "85:p"), fired);
        assertEquals(OptionalLong.of(110 * MS), loop.nextTimerDueNanos());
    }

    @Test
    void periodicTimer_tieWithOneShotArmedLater_rearmTakesFreshSequence() {
        loop.schedulePeriodic(10 * MS, 10 * MS, record("periodic"));
        loop.schedule(20 * MS, record("once"));

        loop.advanceBy(Duration.ofMillis(20));

        // The periodic timer was re-armed for 20 ms when it fired at 10 ms, after "once" was armed.
        assertEquals(List.of("10:periodic", "20:once", "20:periodic"), fired);
    }

    @Test
    void cancel_beforeDue_timerNeverFires() {
        SimLoop.Timer timer = loop.schedule(10 * MS, record("x"));

        assertTrue(timer.cancel());
        assertTrue(timer.isCancelled());
        assertFalse(timer.cancel());
        loop.advanceBy(Duration.ofSeconds(1));

        assertEquals(List.of(), fired);
        assertEquals(OptionalLong.empty(), loop.nextTimerDueNanos());
    }

    @Test
    void cancel_afterFiring_returnsFalse() {
        SimLoop.Timer timer = loop.schedule(10 * MS, record("x"));
        loop.advanceBy(Duration.ofMillis(10));

        assertFalse(timer.cancel());
        assertFalse(timer.isCancelled());
        assertEquals(List.of("10:x"), fired);
    }

    @Test
    void cancel_periodicFromItsOwnTask_stopsRepeating() {
        AtomicInteger runs = new AtomicInteger();
        SimLoop.Timer[] self = new SimLoop.Timer[1];
        self[0] = loop.schedulePeriodic(MS, MS, () -> {
            if (runs.incrementAndGet() == 3) {
                self[0].cancel();
            }
        });

        loop.advanceBy(Duration.ofMillis(10));

        assertEquals(3, runs.get());
        assertEquals(0, loop.pendingTimers());
    }

    @Test
    void cancel_manyRestartedTimers_heapIsPurged() {
        SimLoop.Timer last = null;
        for (int i = 0; i < 100_000; i++) {
            if (last != null) {
                last.cancel();
            }
            last = loop.schedule(30_000 * MS, record("idle"));
        }

        assertEquals(1, loop.pendingTimers());
        loop.advanceBy(Duration.ofSeconds(30));
        assertEquals(List.of("30000:idle"), fired);
    }

    @Test
    void runUntilQuiet_timersPending_doesNotAdvanceClock() {
        loop.schedule(MS, record("later"));
        loop.submit(record("now"));

        loop.runUntilQuiet();

        assertEquals(List.of("0:now"), fired);
        assertEquals(0L, loop.nowNanos());
    }

    @Test
    void runQueue_tasksSubmittingTasks_runFifo() {
        loop.submit(() -> {
            fired.add("a");
            loop.submit(() -> fired.add("c"));
        });
        loop.submit(() -> fired.add("b"));

        loop.runUntilQuiet();

        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(3, loop.tasksRun());
    }

    @Test
    void queuedWork_sameInstantAsDueTimer_runsBeforeTheTimer() {
        loop.schedule(0, record("timer"));
        loop.submit(record("task"));

        loop.runUntilQuiet();

        assertEquals(List.of("0:task", "0:timer"), fired);
    }

    @Test
    void runUntil_conditionMetByLaterTimer_stopsAtThatTimer() {
        boolean[] done = new boolean[1];
        loop.schedule(7 * MS, () -> done[0] = true);
        loop.schedule(9 * MS, record("after"));

        loop.runUntil(() -> done[0]);

        assertEquals(7 * MS, loop.nowNanos());
        assertEquals(List.of(), fired);
    }

    @Test
    void runUntil_nothingPending_throwsWouldBlockForever() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.runUntil(() -> false));

        assertTrue(e.getMessage().contains("would block forever"), e.getMessage());
    }

    @Test
    void runUntilWithDeadline_conditionNeverTrue_stopsAtDeadline() {
        loop.schedule(50 * MS, record("beyond"));

        boolean done = loop.runUntil(() -> false, 20 * MS);

        assertFalse(done);
        assertEquals(20 * MS, loop.nowNanos());
        assertEquals(List.of(), fired);
    }

    @Test
    void runUntilQuiet_zeroTimePingPong_throwsLivelock() {
        loop.setStepBudget(10_000);
        Runnable[] ping = new Runnable[1];
        ping[0] = () -> loop.submit(ping[0]);
        loop.submit(ping[0]);

        LivelockException e = assertThrows(LivelockException.class, loop::runUntilQuiet);

        assertEquals(0L, e.nowNanos());
        assertEquals(10_000, e.steps());
        assertTrue(e.getMessage().contains("livelock"), e.getMessage());
    }

    @Test
    void runUntilQuiet_afterLivelock_keepsQueuedWork() {
        loop.setStepBudget(100);
        int[] remaining = {150};
        Runnable[] hop = new Runnable[1];
        hop[0] = () -> {
            if (--remaining[0] > 0) {
                loop.submit(hop[0]);
            }
        };
        loop.submit(hop[0]);

        assertThrows(LivelockException.class, loop::runUntilQuiet);
        assertEquals(1, loop.queuedTasks());
        loop.runUntilQuiet();

        assertEquals(0, remaining[0]);
        assertEquals(150, loop.tasksRun());
    }

    @Test
    void stepBudget_manyStepsSpreadOverTime_doesNotTrip() {
        loop.setStepBudget(100);
        loop.schedulePeriodic(MS, MS, () -> {
            for (int i = 0; i < 50; i++) {
                loop.submit(() -> { });
            }
        });

        loop.advanceBy(Duration.ofMillis(1_000));

        assertEquals(1_000, loop.timersFired());
    }

    @Test
    void submit_fromForeignThread_isCountedAndStillRuns() throws InterruptedException {
        Thread other = new Thread(() -> {
            loop.submit(record("foreign"));
            loop.schedule(5 * MS, record("foreign-timer"));
        });
        other.start();
        other.join();

        loop.advanceBy(Duration.ofMillis(5));

        assertEquals(2, loop.foreignSubmissions());
        assertEquals(List.of("0:foreign", "5:foreign-timer"), fired);
    }

    @Test
    void drive_fromForeignThread_isRejected() throws InterruptedException {
        RuntimeException[] failure = new RuntimeException[1];
        Thread other = new Thread(() -> {
            try {
                loop.runUntilQuiet();
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        });
        other.start();
        other.join();

        assertTrue(failure[0] instanceof IllegalStateException);
    }

    @Test
    void advanceTo_pastTime_isRejected() {
        loop.advanceBy(Duration.ofMillis(5));

        assertThrows(IllegalArgumentException.class, () -> loop.advanceTo(MS));
    }

    @Test
    void advanceTo_fromInsideATask_isRejected() {
        loop.submit(() -> loop.advanceBy(Duration.ofMillis(1)));

        assertThrows(IllegalStateException.class, loop::runUntilQuiet);
    }

    @Test
    void periodicTimer_taskThrows_propagatesAndIsNotRearmed() {
        loop.schedulePeriodic(MS, MS, () -> {
            throw new IllegalArgumentException("boom");
        });

        assertThrows(IllegalArgumentException.class, () -> loop.advanceBy(Duration.ofMillis(5)));
        assertEquals(0, loop.pendingTimers());
    }
}
