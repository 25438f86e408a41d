package io.brokersim.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeterministicRuntimeIT {

    private static final long MS = 1_000_000L;

    private enum TimedOut {
        INSTANCE
    }

    @Test
    void singleTimer30s_runUntilFired_firesAtExactly30000VirtualMillis() {
        long[] firedAt = {-1};
        DeterministicRuntime<TimedOut> rt = DeterministicRuntime.start(runtime -> Behaviors.<TimedOut>withTimers(
                timers -> {
                    timers.startSingleTimer(TimedOut.INSTANCE, Duration.ofSeconds(30));
                    return Behaviors.receiveMessage(msg -> {
                        firedAt[0] = runtime.nowNanos();
                        return Behaviors.same();
                    });
                }), "timeout30", 1, ConfigFactory.empty());
        try (rt) {
            rt.advanceTo(29_999 * MS);
            assertEquals(-1, firedAt[0], "fired before 30 s of virtual time");

            rt.loop().runUntil(() -> firedAt[0] >= 0);

            assertEquals(30_000 * MS, firedAt[0]);
            assertEquals(30_000 * MS, rt.nowNanos());
            assertEquals(0, rt.foreignSubmissions());
        }
    }

    @Test
    void askFromDriver_targetNeverReplies_failsWithTimeoutAtVirtual30s() {
        DeterministicRuntime<String> rt = DeterministicRuntime.start(Behaviors.<String>ignore(), "ask", 1,
                ConfigFactory.empty());
        try (rt) {
            CompletionStage<String> reply = AskPattern.ask(rt.system(), (ActorRef<String> replyTo) -> "hello",
                    Duration.ofSeconds(30), rt.system().scheduler());

            CompletionException e = assertThrows(CompletionException.class, () -> rt.await(reply));

            assertInstanceOf(TimeoutException.class, e.getCause());
            assertEquals(30_000 * MS, rt.nowNanos());
        }
    }

    @Test
    void awaitWithTimeout_futureNeverCompletes_throwsAtVirtualDeadline() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "await-timeout", 1,
                ConfigFactory.empty());
        try (rt) {
            rt.advanceBy(Duration.ofSeconds(1));

            AwaitTimeoutException e = assertThrows(AwaitTimeoutException.class,
                    () -> rt.await(new CompletableFuture<String>(), Duration.ofSeconds(5)));

            assertInstanceOf(TimeoutException.class, e.getCause());
            assertEquals(6_000 * MS, rt.nowNanos());
        }
    }

    @Test
    void await_futureThatCanNeverComplete_throwsWouldBlockForever() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "await-forever", 1,
                ConfigFactory.empty());
        try (rt) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> rt.await(new CompletableFuture<String>()));

            assertTrue(e.getMessage().contains("would block forever"), e.getMessage());
        }
    }

    @Test
    void await_failedFuture_rethrowsCauseUnwrapped() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "await-failed", 1,
                ConfigFactory.empty());
        try (rt) {
            CompletableFuture<String> failed = CompletableFuture.failedFuture(new IllegalArgumentException("bad"));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rt.await(failed));
            assertEquals("bad", e.getMessage());
        }
    }

    private enum Serve {
        INSTANCE
    }

    private record Ball(ActorRef<Ball> replyTo) {
    }

    private static Behavior<Ball> player(AtomicBoolean stop) {
        return Behaviors.setup(ctx -> Behaviors.receiveMessage(ball -> {
            if (stop.get()) {
                return Behaviors.stopped();
            }
            ball.replyTo().tell(new Ball(ctx.getSelf()));
            return Behaviors.same();
        }));
    }

    @Test
    void pingPongAtZeroTime_runUntilQuiet_throwsLivelock() {
        AtomicBoolean stop = new AtomicBoolean();
        Behavior<Serve> guardian = Behaviors.setup(ctx -> Behaviors.receiveMessage(serve -> {
            ActorRef<Ball> ping = ctx.spawn(player(stop), "ping");
            ActorRef<Ball> pong = ctx.spawn(player(stop), "pong");
            ping.tell(new Ball(pong));
            return Behaviors.same();
        }));
        DeterministicRuntime<Serve> rt = DeterministicRuntime.start(guardian, "livelock", 1, ConfigFactory.empty());
        try (rt) {
            rt.loop().setStepBudget(100_000);
            rt.system().tell(Serve.INSTANCE);

            LivelockException e = assertThrows(LivelockException.class, rt::runUntilQuiet);

            assertEquals(0L, e.nowNanos());
            assertEquals(0L, rt.nowNanos());
            assertTrue(e.getMessage().contains("zero-virtual-time livelock"), e.getMessage());
            assertTrue(e.queuedSample().stream().anyMatch(s -> s.endsWith("/user/ping") || s.endsWith("/user/pong")),
                    e.queuedSample().toString());
            stop.set(true);
        }
    }

    @Test
    void startup_withPekkoStream_materializesTinySource() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "streams", 1,
                ConfigFactory.empty());
        try (rt) {
            CompletionStage<List<Integer>> doubled = Source.range(1, 5).map(i -> i * 2).runWith(Sink.seq(), rt.system());

            assertEquals(List.of(2, 4, 6, 8, 10), rt.await(doubled));
            assertEquals(0L, rt.nowNanos());
            assertEquals(0, rt.foreignSubmissions());
        }
    }

    @Test
    void stream_initialDelay5s_completesAtExactly5VirtualSeconds() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "stream-timer", 1,
                ConfigFactory.empty());
        try (rt) {
            CompletionStage<String> delayed = Source.single("x").initialDelay(Duration.ofSeconds(5))
                    .runWith(Sink.head(), rt.system());

            assertEquals("x", rt.await(delayed));
            assertEquals(5_000 * MS, rt.nowNanos());
        }
    }

    @Test
    void runBlocking_additionalMaterializer_createdWithoutHanging() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "materializer", 1,
                ConfigFactory.empty());
        try (rt) {
            Materializer materializer = rt.runBlocking(() -> Materializer.createMaterializer(rt.system()));

            assertEquals(3, rt.await(Source.single(3).runWith(Sink.head(), materializer)));
            materializer.shutdown();
        }
    }

    @Test
    void scheduler_cancelledOnceAndFixedRate_behaveInVirtualTime() {
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(Behaviors.<Void>empty(), "scheduler", 1,
                ConfigFactory.empty());
        try (rt) {
            AtomicInteger once = new AtomicInteger();
            AtomicInteger periodic = new AtomicInteger();
            var scheduler = rt.system().classicSystem().scheduler();
            var ec = rt.system().executionContext();

            Cancellable cancelled = scheduler.scheduleOnce(Duration.ofSeconds(1), once::incrementAndGet, ec);
            Cancellable rate = scheduler.scheduleAtFixedRate(Duration.ofMillis(500), Duration.ofSeconds(1),
                    periodic::incrementAndGet, ec);
            assertTrue(cancelled.cancel());
            assertTrue(cancelled.isCancelled());
            rt.advanceBy(Duration.ofMillis(10_499));
            assertTrue(rate.cancel());
            rt.advanceBy(Duration.ofSeconds(10));

            assertEquals(0, once.get());
            assertEquals(10, periodic.get());
            assertFalse(rate.cancel());
        }
    }

    @Test
    void tellFromForeignThread_close_reportsNonDeterministicRun() throws InterruptedException {
        DeterministicRuntime<String> rt = DeterministicRuntime.start(Behaviors.<String>ignore(), "foreign", 1,
                ConfigFactory.empty());
        Thread outsider = new Thread(() -> rt.system().tell("from elsewhere"));
        outsider.start();
        outsider.join();

        assertEquals(1, rt.foreignSubmissions());
        IllegalStateException e = assertThrows(IllegalStateException.class, rt::close);
        assertTrue(e.getMessage().contains("not deterministic"), e.getMessage());
    }

    @Test
    void close_afterRun_terminatesWithoutAnyPekkoThread() {
        String name = "closing-system";
        DeterministicRuntime<Void> rt = ChattyRunLike.start(name);
        rt.advanceBy(Duration.ofMinutes(1));
        assertEquals(List.of(), threadsNamedAfter(name), "deterministic mode must not start threads");

        rt.close();
        rt.close(); // idempotent

        assertTrue(rt.system().getWhenTerminated().toCompletableFuture().isDone());
        assertEquals(Duration.ofMinutes(1).toNanos(), rt.nowNanos(), "termination needs no virtual time");
        assertEquals(List.of(), threadsNamedAfter(name));
    }

    private static List<String> threadsNamedAfter(String systemName) {
        return Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.contains(systemName))
                .sorted()
                .toList();
    }

    /** The chatty workload under a chosen system name. */
    private static final class ChattyRunLike {
        static DeterministicRuntime<Void> start(String name) {
            return DeterministicRuntime.start(runtime -> ChattyNode.guardian(runtime,
                    new TraceDigest(runtime::nowNanos), new ChattyNode.Stats(), 10, 5), name, 3, ConfigFactory.empty());
        }
    }
}
