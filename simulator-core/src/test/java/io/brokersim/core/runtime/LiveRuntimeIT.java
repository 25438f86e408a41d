package io.brokersim.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class LiveRuntimeIT {

    private record Echo(String text, ActorRef<String> replyTo) {
    }

    private static Behavior<Echo> echo() {
        return Behaviors.receiveMessage(msg -> {
            msg.replyTo().tell(msg.text());
            return Behaviors.same();
        });
    }

    @Test
    void live_askEcho_repliesOnRealThreads() {
        LiveRuntime<Echo> rt = LiveRuntime.start(echo(), "live-echo", 5, ConfigFactory.empty());
        try (rt) {
            CompletionStage<String> reply = AskPattern.ask(rt.system(), (ActorRef<String> replyTo) -> new Echo("hi", replyTo),
                    Duration.ofSeconds(5), rt.system().scheduler());

            assertEquals("hi", rt.await(reply, Duration.ofSeconds(5)));
            assertFalse(rt.isDeterministic());
            assertEquals(new Entropy(5).nextLong(), rt.entropy().nextLong());
            assertTrue(rt.nowNanos() > 0);
        }
    }

    @Test
    void live_advanceBy_isUnsupported() {
        LiveRuntime<Echo> rt = LiveRuntime.start(echo(), "live-advance", ConfigFactory.empty());
        try (rt) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> rt.advanceBy(Duration.ofSeconds(1)));
            assertTrue(e.getMessage().contains("real clock"), e.getMessage());
            rt.runUntilQuiet(); // no-op
        }
    }

    @Test
    void live_awaitNeverCompletes_timesOut() {
        LiveRuntime<Echo> rt = LiveRuntime.start(echo(), "live-timeout", 5, ConfigFactory.empty());
        try (rt) {
            assertThrows(AwaitTimeoutException.class,
                    () -> rt.await(new CompletableFuture<String>(), Duration.ofMillis(50)));
        }
        rt.close(); // idempotent
        assertTrue(rt.system().getWhenTerminated().toCompletableFuture().isDone());
    }

    @Test
    void live_tcpDispatcherNamingNoDispatcher_isRejectedWithTheSetting() {
        ConfigException e = assertThrows(ConfigException.class, () -> LiveRuntime.config(
                ConfigFactory.parseString("brokersim.live.tcp-dispatcher = no-such-dispatcher")));
        assertTrue(e.getMessage().contains("brokersim.live.tcp-dispatcher"), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-dispatcher"), e.getMessage());
    }

    @Test
    void live_defaultDispatcher_followsBrokersimLiveSettings() {
        String parallelism = "pekko.actor.default-dispatcher.fork-join-executor.parallelism-min";
        LiveRuntime<Echo> rt = LiveRuntime.start(echo(), "live-dispatcher", 5, ConfigFactory.empty());
        try (rt) {
            assertEquals(2, rt.system().settings().config().getInt(parallelism));
            assertEquals(2, rt.system().settings().config().getInt(
                    "pekko.actor.internal-dispatcher.fork-join-executor.parallelism-min"));
            assertEquals(5, rt.system().settings().config().getInt("pekko.actor.default-dispatcher.throughput"),
                    "what brokersim.live does not set keeps Pekko's default");
            assertEquals("pekko.actor.default-dispatcher",
                    rt.system().settings().config().getString("pekko.io.tcp.worker-dispatcher"));
        }
        LiveRuntime<Echo> tuned = LiveRuntime.start(echo(), "live-dispatcher-tuned", 5, ConfigFactory.parseString(
                "brokersim.live.default-dispatcher { fork-join-executor.parallelism-min = 3, throughput = 20 }\n"
                        + "brokersim.live.tcp-dispatcher = pekko.actor.internal-dispatcher"));
        try (tuned) {
            assertEquals("pekko.actor.internal-dispatcher",
                    tuned.system().settings().config().getString("pekko.io.tcp.worker-dispatcher"));
            assertEquals(3, tuned.system().settings().config().getInt(parallelism));
            assertEquals(20, tuned.system().settings().config().getInt("pekko.actor.default-dispatcher.throughput"));
            assertEquals("hi", tuned.await(AskPattern.ask(tuned.system(),
                    (ActorRef<String> replyTo) -> new Echo("hi", replyTo), Duration.ofSeconds(5),
                    tuned.system().scheduler()), Duration.ofSeconds(5)));
        }
    }
}
