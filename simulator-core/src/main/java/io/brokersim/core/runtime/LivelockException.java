package io.brokersim.core.runtime;

import java.util.List;

/**
 * The loop ran its whole step budget without virtual time advancing: some actors keep messaging
 * each other at zero virtual cost. Model latency with timers, or raise the budget.
 */
public final class LivelockException extends IllegalStateException {

    private final long nowNanos;
    private final long steps;
    private final List<String> queuedSample;

    LivelockException(long nowNanos, long steps, long budget, int queuedTasks, int pendingTimers,
            List<String> queuedSample) {
        super("zero-virtual-time livelock: " + steps + " steps ran at " + SimLoop.describeTime(nowNanos)
                + " virtual without the clock advancing (step budget " + budget + "); "
                + queuedTasks + " tasks queued, " + pendingTimers + " timers pending; next queued: " + queuedSample
                + ". Message processing costs no virtual time: deliver through a timer to model latency,"
                + " or raise the budget with SimLoop.setStepBudget");
        this.nowNanos = nowNanos;
        this.steps = steps;
        this.queuedSample = List.copyOf(queuedSample);
    }

    /** Virtual time at which the loop got stuck. */
    public long nowNanos() {
        return nowNanos;
    }

    /** Steps run at that instant before giving up. */
    public long steps() {
        return steps;
    }

    /** Descriptions of the first few queued tasks (actor paths for mailboxes). */
    public List<String> queuedSample() {
        return queuedSample;
    }
}
