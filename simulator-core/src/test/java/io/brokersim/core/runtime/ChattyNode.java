package io.brokersim.core.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Busy determinism workload: a node with a fixed-rate tick, tokens hopping between peers with
 * timer-modelled latency, an idle timeout restarted on every token, and request/response done
 * with a message adapter plus a keyed single timer (never javadsl ask or pipeToSelf).
 */
final class ChattyNode extends AbstractBehavior<ChattyNode.Command> {

    static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    private static final int HOPS = 10;

    sealed interface Command {
    }

    record Peers(List<ActorRef<Command>> peers) implements Command {
    }

    record Token(long id, int hopsLeft) implements Command {
    }

    record Request(long rpcId, String from, ActorRef<Reply> replyTo) implements Command {
    }

    record Reply(long rpcId) {
    }

    private enum Tick implements Command {
        INSTANCE
    }

    private enum Idle implements Command {
        INSTANCE
    }

    private record Hop(Token token, int peerIndex) implements Command {
    }

    private record WrappedReply(Reply reply) implements Command {
    }

    private record RpcTimeout(long rpcId) implements Command {
    }

    private record SendReply(ActorRef<Reply> replyTo, Reply reply) implements Command {
    }

    /** Counters the test checks; touched only by the driver thread. */
    static final class Stats {
        long tokens;
        long rpcOk;
        long rpcTimeouts;
        long rpcLate;
        long timeoutsNotAt30s;
    }

    /** Spawns {@code nodes} nodes and injects {@code tokens} tokens, all from the runtime's entropy. */
    static Behavior<Void> guardian(Runtime runtime, TraceDigest trace, Stats stats, int nodes, int tokens) {
        return Behaviors.setup(ctx -> {
            Entropy entropy = runtime.entropy().fork("guardian");
            List<ActorRef<Command>> peers = new ArrayList<>(nodes);
            for (int i = 0; i < nodes; i++) {
                String name = "node-" + i;
                peers.add(ctx.spawn(create(i, runtime, runtime.entropy().fork(name), trace, stats), name));
            }
            List<ActorRef<Command>> fixed = List.copyOf(peers);
            fixed.forEach(p -> p.tell(new Peers(fixed)));
            for (long t = 0; t < tokens; t++) {
                fixed.get(entropy.nextInt(nodes)).tell(new Token(t, HOPS));
            }
            return Behaviors.empty();
        });
    }

    static Behavior<Command> create(int index, Runtime runtime, Entropy entropy, TraceDigest trace, Stats stats) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(
                timers -> new ChattyNode(ctx, timers, index, runtime, entropy, trace, stats)));
    }

    private final TimerScheduler<Command> timers;
    private final int index;
    private final Runtime runtime;
    private final Entropy entropy;
    private final TraceDigest trace;
    private final Stats stats;
    private final String name;
    private final ActorRef<Reply> replyAdapter;
    private final Map<Long, Long> pendingSentAtNanos = new LinkedHashMap<>();
    private List<ActorRef<Command>> peers = List.of();
    private long injected;
    private long rpcs;
    private long replies;

    private ChattyNode(ActorContext<Command> ctx, TimerScheduler<Command> timers, int index, Runtime runtime,
            Entropy entropy, TraceDigest trace, Stats stats) {
        super(ctx);
        this.timers = timers;
        this.index = index;
        this.runtime = runtime;
        this.entropy = entropy;
        this.trace = trace;
        this.stats = stats;
        this.name = ctx.getSelf().path().name();
        this.replyAdapter = ctx.messageAdapter(Reply.class, WrappedReply::new);
        int tickSeconds = 1 + entropy.nextInt(10);
        timers.startTimerAtFixedRate("tick", Tick.INSTANCE, Duration.ofSeconds(tickSeconds));
        trace.record(name, "start tick=" + tickSeconds + "s");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Peers.class, this::onPeers)
                .onMessage(Token.class, this::onToken)
                .onMessage(Hop.class, this::onHop)
                .onMessageEquals(Tick.INSTANCE, this::onTick)
                .onMessageEquals(Idle.INSTANCE, this::onIdle)
                .onMessage(Request.class, this::onRequest)
                .onMessage(SendReply.class, this::onSendReply)
                .onMessage(WrappedReply.class, this::onReply)
                .onMessage(RpcTimeout.class, this::onRpcTimeout)
                .build();
    }

    private Behavior<Command> onPeers(Peers msg) {
        peers = msg.peers();
        return this;
    }

    private Behavior<Command> onToken(Token token) {
        stats.tokens++;
        trace.record(name, "token " + token.id() + " hops=" + token.hopsLeft());
        timers.startSingleTimer("idle", Idle.INSTANCE, IDLE_TIMEOUT);
        if (token.hopsLeft() > 0) {
            int peer = entropy.nextInt(peers.size());
            int latencyMillis = entropy.nextInt(50);
            Token next = new Token(token.id(), token.hopsLeft() - 1);
            if (latencyMillis == 0) {
                peers.get(peer).tell(next);
            } else {
                timers.startSingleTimer("hop-" + token.id(), new Hop(next, peer), Duration.ofMillis(latencyMillis));
            }
        }
        return this;
    }

    private Behavior<Command> onHop(Hop hop) {
        peers.get(hop.peerIndex()).tell(hop.token());
        return this;
    }

    private Behavior<Command> onTick() {
        trace.record(name, "tick");
        if (entropy.chance(0.1)) {
            long id = (index + 1) * 1_000_000L + injected++;
            int peer = entropy.nextInt(peers.size());
            trace.record(name, "inject " + id + " to node-" + peer);
            peers.get(peer).tell(new Token(id, HOPS));
        }
        if (entropy.chance(0.2)) {
            long rpcId = (index + 1) * 1_000_000L + rpcs++;
            int peer = entropy.nextInt(peers.size());
            pendingSentAtNanos.put(rpcId, runtime.nowNanos());
            timers.startSingleTimer("rpc-" + rpcId, new RpcTimeout(rpcId), RPC_TIMEOUT);
            trace.record(name, "rpc-send " + rpcId + " to node-" + peer);
            peers.get(peer).tell(new Request(rpcId, name, replyAdapter));
        }
        return this;
    }

    private Behavior<Command> onIdle() {
        trace.record(name, "idle");
        return this;
    }

    private Behavior<Command> onRequest(Request request) {
        if (entropy.chance(0.75)) {
            int delayMillis = entropy.nextInt(40_000);
            trace.record(name, "rpc-req " + request.rpcId() + " from " + request.from() + " reply-in=" + delayMillis);
            timers.startSingleTimer("reply-" + replies++, new SendReply(request.replyTo(), new Reply(request.rpcId())),
                    Duration.ofMillis(delayMillis));
        } else {
            trace.record(name, "rpc-req " + request.rpcId() + " from " + request.from() + " dropped");
        }
        return this;
    }

    private Behavior<Command> onSendReply(SendReply send) {
        send.replyTo().tell(send.reply());
        return this;
    }

    private Behavior<Command> onReply(WrappedReply wrapped) {
        long rpcId = wrapped.reply().rpcId();
        Long sentAt = pendingSentAtNanos.remove(rpcId);
        if (sentAt != null) {
            timers.cancel("rpc-" + rpcId);
            stats.rpcOk++;
            trace.record(name, "rpc-ok " + rpcId + " rtt=" + (runtime.nowNanos() - sentAt) + "ns");
        } else {
            stats.rpcLate++;
            trace.record(name, "rpc-late " + rpcId);
        }
        return this;
    }

    private Behavior<Command> onRpcTimeout(RpcTimeout timeout) {
        Long sentAt = pendingSentAtNanos.remove(timeout.rpcId());
        if (sentAt != null) {
            stats.rpcTimeouts++;
            if (runtime.nowNanos() - sentAt != RPC_TIMEOUT.toNanos()) {
                stats.timeoutsNotAt30s++;
            }
            trace.record(name, "rpc-timeout " + timeout.rpcId());
        }
        return this;
    }
}
