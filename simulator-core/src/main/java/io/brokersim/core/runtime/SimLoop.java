package io.brokersim.core.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Single-threaded discrete-event loop with a virtual clock: a FIFO run queue plus a timer heap.
 *
 * <p>The clock starts at 0 and moves only when the driver asks for it ({@link #advanceTo},
 * {@link #advanceBy}, {@link #runUntil}), and then only by jumping to the next timer's due time.
 * Work never costs virtual time. Timers are ordered by (due time, sequence number); the sequence
 * number is taken when a timer is armed (and again on every periodic re-arm), so timers due at
 * the same instant fire in the order they were armed.
 *
 * <p>Only the owner thread (the one that created the loop) may drive it. Other threads may still
 * submit work or arm timers: that work is queued thread-safely and drained by the driver at the
 * next step, but each such call is counted in {@link #foreignSubmissions()} because its arrival
 * point depends on the OS scheduler, which breaks reproducibility.
 *
 * <p>Livelock guard: at most {@link #stepBudget()} steps may run without the clock advancing
 * within one drive call; beyond that a {@link LivelockException} is thrown.
 */
public final class SimLoop {

    /** Steps allowed at one virtual instant within one drive call before a livelock is reported. */
    public static final long DEFAULT_STEP_BUDGET = 50_000_000L;

    /** Heap sizes below this never trigger a purge of cancelled timers. */
    private static final int MIN_PURGE_THRESHOLD = 1024;

    /** How many queued tasks a livelock report describes. */
    private static final int LIVELOCK_SAMPLE = 8;

    private final Thread owner;
    private final ArrayDeque<Runnable> runQueue = new ArrayDeque<>(1024);
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(Timer.ORDER);
    private final ConcurrentLinkedQueue<Object> foreignInbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong foreignSubmissions = new AtomicLong();
    private volatile boolean foreignPending;
    private volatile long nowNanos;

    private long nextSeq;
    private long stepBudget = DEFAULT_STEP_BUDGET;
    private long stepsAtInstant;
    private long tasksRun;
    private long timersFired;
    private int depth;
    private int purgeThreshold = MIN_PURGE_THRESHOLD;
    private Function<Runnable, String> taskDescriber = String::valueOf;

    /** Creates a loop owned by the calling thread, with the clock at 0. */
    public SimLoop() {
        this.owner = Thread.currentThread();
    }

    // ---------------------------------------------------------------- clock and counters

    /** Current virtual time in nanoseconds since the loop was created. */
    public long nowNanos() {
        return nowNanos;
    }

    /** The thread that created the loop and is the only one allowed to drive it. */
    public Thread owner() {
        return owner;
    }

    /** True when the calling thread is the owner. */
    public boolean isOwnerThread() {
        return Thread.currentThread() == owner;
    }

    /** Submissions and timer registrations that came from a thread other than the owner. */
    public long foreignSubmissions() {
        return foreignSubmissions.get();
    }

    /** Queued tasks run so far. */
    public long tasksRun() {
        return tasksRun;
    }

    /** Timer firings so far (each periodic firing counts). */
    public long timersFired() {
        return timersFired;
    }

    /** Tasks waiting in the run queue (owner-side view; excludes undrained foreign work). */
    public int queuedTasks() {
        return runQueue.size();
    }

    /** Timers armed and not cancelled. O(number of timers). */
    public int pendingTimers() {
        int live = 0;
        for (Timer t : timers) {
            if (t.state == Timer.PENDING) {
                live++;
            }
        }
        return live;
    }

    /** Due time of the earliest live timer, if any. */
    public OptionalLong nextTimerDueNanos() {
        checkOwner("nextTimerDueNanos");
        Timer t = nextLiveTimer();
        return t == null ? OptionalLong.empty() : OptionalLong.of(t.dueNanos);
    }

    /** Steps allowed at one virtual instant within one drive call. */
    public long stepBudget() {
        return stepBudget;
    }

    /** Sets the livelock step budget; must be positive. */
    public void setStepBudget(long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("step budget must be positive, got " + steps);
        }
        this.stepBudget = steps;
    }

    /** Sets how queued tasks are named in a livelock report (the runtime names actor mailboxes). */
    public void setTaskDescriber(Function<Runnable, String> describer) {
        this.taskDescriber = Objects.requireNonNull(describer, "describer");
    }

    // ---------------------------------------------------------------- submission

    /** Appends a task to the run queue; from a foreign thread it is counted and queued safely. */
    public void submit(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (Thread.currentThread() == owner) {
            runQueue.addLast(task);
        } else {
            acceptForeign(task);
        }
    }

    /** Arms a one-shot timer that runs {@code task} on the loop {@code delayNanos} from now. */
    public Timer schedule(long delayNanos, Runnable task) {
        if (delayNanos < 0) {
            throw new IllegalArgumentException("delay must not be negative, got " + delayNanos + " ns");
        }
        return arm(new Timer(Objects.requireNonNull(task, "task"), delayNanos, 0L));
    }

    /**
     * Arms a fixed-rate timer: first due {@code initialDelayNanos} from now, then every
     * {@code periodNanos} after the previous due time, until cancelled or until the task throws.
     */
    public Timer schedulePeriodic(long initialDelayNanos, long periodNanos, Runnable task) {
        if (initialDelayNanos < 0) {
            throw new IllegalArgumentException("initial delay must not be negative, got " + initialDelayNanos + " ns");
        }
        if (periodNanos <= 0) {
            throw new IllegalArgumentException("period must be positive, got " + periodNanos + " ns");
        }
        return arm(new Timer(Objects.requireNonNull(task, "task"), initialDelayNanos, periodNanos));
    }

    private Timer arm(Timer timer) {
        if (Thread.currentThread() == owner) {
            insert(timer);
        } else {
            acceptForeign(timer);
        }
        return timer;
    }

    private void acceptForeign(Object work) {
        foreignSubmissions.incrementAndGet();
        foreignInbox.add(work);
        foreignPending = true;
    }

    private void insert(Timer timer) {
        if (timer.state != Timer.PENDING) {
            return; // cancelled before a foreign registration was drained
        }
        timer.dueNanos = saturatedAdd(nowNanos, timer.delayNanos);
        timer.seq = nextSeq++;
        timers.add(timer);
        if (timers.size() >= purgeThreshold) {
            // Cancelled timers are removed lazily; keyed actor timers are restarted often
            // (idle timeouts), so without a purge the heap would grow with dead entries.
            timers.removeIf(t -> t.state != Timer.PENDING);
            purgeThreshold = Math.max(MIN_PURGE_THRESHOLD, timers.size() * 2);
        }
    }

    private void drainForeign() {
        foreignPending = false; // cleared before polling, so a concurrent add re-raises it
        Object work;
        while ((work = foreignInbox.poll()) != null) {
            if (work instanceof Timer timer) {
                insert(timer);
            } else {
                runQueue.addLast((Runnable) work);
            }
        }
    }

    // ---------------------------------------------------------------- driving

    /** Runs queued work and timers due now until nothing is runnable; never advances the clock. */
    public void runUntilQuiet() {
        checkOwner("runUntilQuiet");
        enter();
        try {
            while (step()) {
                // keep going
            }
        } finally {
            exit();
        }
    }

    /** Advances virtual time by {@code duration}, firing every timer due on the way in order. */
    public void advanceBy(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move virtual time backwards: " + duration);
        }
        advanceTo(saturatedAdd(nowNanos, toNanosSaturated(duration)));
    }

    /**
     * Runs until quiet, then repeatedly jumps the clock to the next timer due at or before
     * {@code targetNanos}; finally sets the clock to {@code targetNanos} and runs until quiet.
     */
    public void advanceTo(long targetNanos) {
        checkTopLevel("advanceTo");
        if (targetNanos < nowNanos) {
            throw new IllegalArgumentException(
                    "cannot move virtual time backwards: now " + nowNanos + " ns, target " + targetNanos + " ns");
        }
        runUntil(() -> false, targetNanos);
    }

    /**
     * Runs work and, whenever the loop is quiet, jumps to the next timer, until {@code done} is
     * true. {@code done} is checked before every step.
     *
     * @throws IllegalStateException if {@code done} is false while nothing is runnable and no
     *     timer is pending, since waiting would block forever
     */
    public void runUntil(BooleanSupplier done) {
        checkTopLevel("runUntil");
        Objects.requireNonNull(done, "done");
        enter();
        try {
            while (!done.getAsBoolean()) {
                if (step()) {
                    continue;
                }
                Timer next = nextLiveTimer();
                if (next == null) {
                    throw new IllegalStateException("runUntil would block forever: the condition is still false at "
                            + describeTime(nowNanos) + " virtual, no task is runnable and no timer is pending"
                            + " (foreign submissions so far: " + foreignSubmissions() + ")");
                }
                moveClockTo(next.dueNanos);
            }
        } finally {
            exit();
        }
    }

    /**
     * Like {@link #runUntil(BooleanSupplier)} but never moves the clock past {@code deadlineNanos}:
     * if the condition is still false when only later timers remain, the clock is set to the
     * deadline, work due then runs, and the condition's final value is returned.
     *
     * @return whether {@code done} became true
     */
    public boolean runUntil(BooleanSupplier done, long deadlineNanos) {
        checkTopLevel("runUntil");
        Objects.requireNonNull(done, "done");
        enter();
        try {
            while (true) {
                if (done.getAsBoolean()) {
                    return true;
                }
                if (step()) {
                    continue;
                }
                Timer next = nextLiveTimer();
                if (next != null && next.dueNanos <= deadlineNanos) {
                    moveClockTo(next.dueNanos);
                } else if (nowNanos < deadlineNanos) {
                    moveClockTo(deadlineNanos);
                } else {
                    return done.getAsBoolean();
                }
            }
        } finally {
            exit();
        }
    }

    /** One unit of work at the current instant; false when the loop is quiet. */
    private boolean step() {
        if (foreignPending) {
            drainForeign();
        }
        // The budget is checked before a task or timer is removed: a livelock report must not
        // drop work (a lost mailbox run would leave its actor scheduled forever, so the system
        // could never terminate afterwards).
        Runnable task = runQueue.peekFirst();
        if (task != null) {
            countStep();
            runQueue.pollFirst();
            tasksRun++;
            task.run();
            return true;
        }
        Timer timer = nextLiveTimer();
        if (timer != null && timer.dueNanos <= nowNanos) {
            countStep();
            timers.poll();
            fire(timer);
            return true;
        }
        return false;
    }

    private void fire(Timer timer) {
        if (timer.periodNanos == 0L) {
            if (!timer.markFired()) {
                return; // cancelled from a foreign thread after the peek
            }
            timersFired++;
            timer.task.run();
            return;
        }
        if (timer.state != Timer.PENDING) {
            return;
        }
        timersFired++;
        timer.task.run(); // a throwing task is not re-armed, like Pekko's fixed-rate schedule
        if (timer.state == Timer.PENDING) {
            timer.dueNanos = saturatedAdd(timer.dueNanos, timer.periodNanos);
            timer.seq = nextSeq++;
            timers.add(timer);
        }
    }

    private Timer nextLiveTimer() {
        Timer t;
        while ((t = timers.peek()) != null && t.state != Timer.PENDING) {
            timers.poll();
        }
        return t;
    }

    private void moveClockTo(long targetNanos) {
        if (Thread.currentThread().isInterrupted()) {
            // Lets a test timeout stop a run that keeps advancing through periodic timers.
            throw new IllegalStateException("driver thread interrupted at " + describeTime(nowNanos) + " virtual");
        }
        if (targetNanos > nowNanos) {
            nowNanos = targetNanos;
            stepsAtInstant = 0;
        }
    }

    private void countStep() {
        if (stepsAtInstant >= stepBudget) {
            throw livelock();
        }
        stepsAtInstant++;
    }

    private LivelockException livelock() {
        List<String> sample = new ArrayList<>(LIVELOCK_SAMPLE);
        for (Runnable r : runQueue) {
            if (sample.size() == LIVELOCK_SAMPLE) {
                break;
            }
            String description;
            try {
                description = taskDescriber.apply(r);
            } catch (RuntimeException e) {
                description = r.getClass().getName();
            }
            sample.add(description);
        }
        return new LivelockException(nowNanos, stepsAtInstant, stepBudget, runQueue.size(), pendingTimers(), sample);
    }

    /** Starts a drive call; a nested pump (PumpingBlockContext inside a task) keeps the outer count. */
    private void enter() {
        if (depth++ == 0) {
            stepsAtInstant = 0;
        }
    }

    private void exit() {
        depth--;
    }

    private void checkOwner(String operation) {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException(operation + " may only be called by the loop's owner thread '"
                    + owner.getName() + "', not '" + Thread.currentThread().getName() + "'");
        }
    }

    private void checkTopLevel(String operation) {
        checkOwner(operation);
        if (depth > 0) {
            throw new IllegalStateException(operation + " cannot move virtual time from inside a task run by the loop");
        }
    }

    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    static long toNanosSaturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    static String describeTime(long nanos) {
        return nanos + " ns (" + Duration.ofNanos(nanos) + ")";
    }

    /** A timer armed on a {@link SimLoop}; cancel it from any thread. */
    public static final class Timer {
        static final int PENDING = 0;
        static final int FIRED = 1;
        static final int CANCELLED = 2;

        static final Comparator<Timer> ORDER = (a, b) -> {
            int byDue = Long.compare(a.dueNanos, b.dueNanos);
            return byDue != 0 ? byDue : Long.compare(a.seq, b.seq);
        };

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Timer.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Runnable task;
        final long delayNanos;
        final long periodNanos;
        long dueNanos;
        long seq;
        volatile int state;

        Timer(Runnable task, long delayNanos, long periodNanos) {
            this.task = task;
            this.delayNanos = delayNanos;
            this.periodNanos = periodNanos;
        }

        /** Cancels the timer; true only if this call stopped a pending timer. */
        public boolean cancel() {
            return STATE.compareAndSet(this, PENDING, CANCELLED);
        }

        /** True once the timer has been cancelled. */
        public boolean isCancelled() {
            return state == CANCELLED;
        }

        /** True while the timer may still fire. */
        public boolean isPending() {
            return state == PENDING;
        }

        /** Current due time; only meaningful on the owner thread once armed. */
        public long dueNanos() {
            return dueNanos;
        }

        boolean markFired() {
            return STATE.compareAndSet(this, PENDING, FIRED);
        }
    }
}
