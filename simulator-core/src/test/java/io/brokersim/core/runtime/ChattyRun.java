package io.brokersim.core.runtime;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/** One deterministic run of the {@link ChattyNode} workload and what it produced. */
record ChattyRun(String traceSha256, long events, long tokens, long rpcOk, long rpcTimeouts, long rpcLate,
        long timeoutsNotAt30s, long foreignSubmissions, long tasksRun, long timersFired, long endNanos) {

    static final int NODES = 50;
    static final int TOKENS = 20;

    static ChattyRun run(long seed, Duration virtual) {
        TraceDigest[] trace = new TraceDigest[1];
        ChattyNode.Stats stats = new ChattyNode.Stats();
        DeterministicRuntime<Void> rt = DeterministicRuntime.start(runtime -> {
            trace[0] = new TraceDigest(runtime::nowNanos);
            return ChattyNode.guardian(runtime, trace[0], stats, NODES, TOKENS);
        }, "chatty", seed, ConfigFactory.empty());
        try (rt) {
            rt.advanceBy(virtual);
            return new ChattyRun(trace[0].hex(), trace[0].events(), stats.tokens, stats.rpcOk, stats.rpcTimeouts,
                    stats.rpcLate, stats.timeoutsNotAt30s, rt.foreignSubmissions(), rt.loop().tasksRun(),
                    rt.loop().timersFired(), rt.nowNanos());
        }
    }
}
