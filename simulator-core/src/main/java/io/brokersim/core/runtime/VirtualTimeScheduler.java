package io.brokersim.core.runtime;

import com.typesafe.config.Config;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractSchedulerBase;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.SchedulerTask;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;
import scala.util.control.NonFatal;

/**
 * Pekko scheduler ({@code pekko.scheduler.implementation}) whose timers live on a {@link SimLoop}
 * and therefore fire in virtual time, in (due, arming order), with nanosecond resolution.
 *
 * <p>Pekko creates the scheduler reflectively while building the system, before any dispatcher;
 * {@link DeterministicRuntime} hands over its loop through a thread-local for the duration of
 * {@code ActorSystem.create}. Not {@link java.io.Closeable}: Pekko's contract would then require
 * running outstanding tasks on close, and this scheduler owns no thread to stop.
 */
public final class VirtualTimeScheduler extends AbstractSchedulerBase {

    private static final ThreadLocal<SimLoop> ADOPTION = new ThreadLocal<>();
    private static final String SCHEDULER_EXCEPTION = "org.apache.pekko.actor.SchedulerException";

    private final SimLoop loop;

    /** Reflective constructor required by Pekko; adopts the loop offered by the creating runtime. */
    public VirtualTimeScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
        SimLoop adopted = ADOPTION.get();
        if (adopted == null) {
            throw new IllegalStateException(VirtualTimeScheduler.class.getName()
                    + " only works inside DeterministicRuntime.start, which supplies the SimLoop;"
                    + " it was configured as pekko.scheduler.implementation for a system created elsewhere");
        }
        this.loop = adopted;
    }

    /** Runs {@code body} on this thread with {@code loop} offered to any scheduler it creates. */
    static <R> R adopting(SimLoop loop, Supplier<R> body) {
        SimLoop previous = ADOPTION.get();
        ADOPTION.set(loop);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                ADOPTION.remove();
            } else {
                ADOPTION.set(previous);
            }
        }
    }

    /** The loop this scheduler arms timers on. */
    public SimLoop loop() {
        return loop;
    }

    @Override
    public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext executor) {
        Objects.requireNonNull(runnable, "runnable");
        Objects.requireNonNull(executor, "executor");
        long delayNanos = Math.max(0L, delay.toNanos());
        return new TimerCancellable(loop.schedule(delayNanos, () -> dispatch(runnable, executor)), runnable);
    }

    /**
     * Fixed-rate schedule; Pekko's scheduleAtFixedRate delegates here. Deprecated for callers in
     * Pekko, but still the abstract method an implementation must provide.
     */
    @Override
    @SuppressWarnings("deprecation")
    public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable,
            ExecutionContext executor) {
        Objects.requireNonNull(runnable, "runnable");
        Objects.requireNonNull(executor, "executor");
        long intervalNanos = interval.toNanos();
        if (intervalNanos <= 0L) {
            throw new IllegalArgumentException(
                    "Task scheduled with [" + interval + "] interval, which must be positive");
        }
        RepeatingTask repeating = new RepeatingTask(runnable);
        SimLoop.Timer timer = loop.schedulePeriodic(Math.max(0L, initialDelay.toNanos()), intervalNanos,
                () -> dispatch(repeating, executor));
        repeating.timer = timer;
        return new TimerCancellable(timer, runnable);
    }

    /** Resolution is one virtual nanosecond. */
    @Override
    public double maxFrequency() {
        return 1.0e9;
    }

    /** Hands the task to its execution context, reporting failures the way Pekko's own scheduler does. */
    private static void dispatch(Runnable task, ExecutionContext executor) {
        try {
            executor.execute(task);
        } catch (Throwable t) {
            if (!NonFatal.apply(t)) {
                throw t;
            }
            executor.reportFailure(t);
        }
    }

    static boolean isSchedulerException(Throwable t) {
        return t.getClass().getName().equals(SCHEDULER_EXCEPTION)
                || (t instanceof IllegalStateException && t.getCause() != null
                        && t.getCause().getClass().getName().equals(SCHEDULER_EXCEPTION));
    }

    /**
     * Runs one repetition; like Pekko's fixed-rate schedule, a failing run ends the repetition and a
     * SchedulerException (target actor terminated) ends it silently.
     */
    private static final class RepeatingTask implements Runnable {
        private final Runnable runnable;
        SimLoop.Timer timer;

        RepeatingTask(Runnable runnable) {
            this.runnable = runnable;
        }

        @Override
        public void run() {
            try {
                runnable.run();
            } catch (RuntimeException | Error e) {
                timer.cancel();
                if (!isSchedulerException(e)) {
                    throw e;
                }
            }
        }
    }

    private static final class TimerCancellable implements Cancellable {
        private final SimLoop.Timer timer;
        private final Runnable runnable;

        TimerCancellable(SimLoop.Timer timer, Runnable runnable) {
            this.timer = timer;
            this.runnable = runnable;
        }

        @Override
        public boolean cancel() {
            if (!timer.cancel()) {
                return false;
            }
            if (runnable instanceof SchedulerTask task) {
                task.cancelled();
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return timer.isCancelled();
        }
    }
}
