package io.brokersim.scenarios.bench;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import io.brokersim.scenarios.bench.TimedLoop.Rate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The deterministic simulator measured in-process, on the calling thread: every number here is one
 * {@link Simulation} on one thread (except the parallel seed sweep), with the fate ledger and trace hash on, as
 * tests run it ({@code keepEvents(false)}, as a sweep does).
 *
 * <p>A fresh simulation serves each round of a throughput benchmark: the fate ledger remembers every message of
 * a run, so one simulation kept for millions of messages would measure a growing ledger, not the broker.
 */
final class DeterministicBenchmarks {

  static final String QUEUE = "bench";
  static final String RPC_QUEUE = "rpc_queue";
  /** The scenario whose seeds per hour {@code det-scenario-seeds} measures. */
  static final String SCENARIO = "lost-reply-requester-channel-closed";
  /** The closest catalogue scenario, measured while {@link #SCENARIO} is not in the catalogue. */
  static final String FALLBACK_SCENARIO = "lost-reply-requester-connection-dropped";

  private static final int PREFETCH = 1_000;
  private static final int BATCH = 1_000;
  private static final int BODY_BYTES = 100;
  private static final Duration RPC_TIMEOUT = Duration.ofSeconds(30);
  private static final int SEED_WARMUP_FACTOR = 4;

  private DeterministicBenchmarks() {}

  // ------------------------------------------------------------------------------------ publish -> ack

  /** {@code det-publish-ack}: 1 producer, 1 consumer (manual acks, prefetch 1000), batches of 1000 publishes. */
  static List<Measurement> publishAck(BenchSettings s) throws Exception {
    int roundMessages = s.size(200_000, 50_000);
    long[] seed = {1};
    Rate r = TimedLoop.run(s.warmup(), s.measure(), () -> publishAckRound(s.profile(), seed[0]++, roundMessages));
    return List.of(Measurement.rate("det-publish-ack", "throughput", r.perSecond(), "msgs/s",
        String.format("%,d messages of %d bytes: publish, route, enqueue, deliver, ack; batches of %d, "
            + "prefetch %d, one thread", r.operations(), BODY_BYTES, BATCH, PREFETCH)));
  }

  static Rate publishAckRound(BrokerProfile profile, long seed, int messages) throws Exception {
    try (Simulation sim = Simulation.builder().seed(seed).profile(profile).keepEvents(false).build()) {
      SimChannel consumer = sim.connect("consumer").openChannel();
      consumer.queueDeclare(QUEUE, false, false, false, null);
      consumer.basicQos(PREFETCH);
      long[] acked = {0};
      consumer.basicConsume(QUEUE, false, (ch, d) -> {
        ch.basicAck(d.deliveryTag(), false);
        acked[0]++;
      });
      SimChannel producer = sim.connect("producer").openChannel();
      byte[] body = new byte[BODY_BYTES];
      sim.runUntilQuiet();
      Rate r = TimedLoop.time(messages, () -> {
        for (int sent = 0; sent < messages; sent += BATCH) {
          for (int i = 0; i < BATCH; i++) {
            producer.basicPublish("", QUEUE, null, body);
          }
          sim.runUntilQuiet();
        }
      });
      check(acked[0] == messages, "acked " + acked[0] + " of " + messages);
      return r;
    }
  }

  // ------------------------------------------------------------------------------------ RPC

  /** {@code det-rpc-callback} or {@code det-rpc-direct}: {@link RpcClient} calls, 1000 in flight per batch. */
  static List<Measurement> rpc(BenchSettings s, boolean direct) throws Exception {
    int roundCalls = s.size(50_000, 10_000);
    long[] seed = {1};
    Rate r = TimedLoop.run(s.warmup(), s.measure(), () -> rpcRound(s.profile(), seed[0]++, roundCalls, direct));
    String name = direct ? "det-rpc-direct" : "det-rpc-callback";
    return List.of(Measurement.rate(name, "throughput", r.perSecond(), "calls/s",
        String.format("%,d RpcClient calls over %s, %d in flight, server acks each request; one thread",
            r.operations(), direct ? "direct reply-to" : "an exclusive callback queue", BATCH)));
  }

  static Rate rpcRound(BrokerProfile profile, long seed, int calls, boolean direct) throws Exception {
    try (Simulation sim = Simulation.builder().seed(seed).profile(profile).keepEvents(false).build()) {
      serveEcho(sim.connect("rpc-server").openChannel(), null);
      SimChannel channel = sim.connect("rpc-client").openChannel();
      RpcClient client = direct
          ? RpcClient.directReplyTo(channel, BrokerProfile.RABBITMQ_REPLY_TO, "", RPC_QUEUE, RPC_TIMEOUT)
          : RpcClient.callbackQueue(channel, "", RPC_QUEUE, RPC_TIMEOUT);
      byte[] body = new byte[BODY_BYTES];
      long[] replies = {0};
      sim.runUntilQuiet();
      Rate r = TimedLoop.time(calls, () -> {
        for (int sent = 0; sent < calls; sent += BATCH) {
          for (int i = 0; i < BATCH; i++) {
            client.callAsync(null, body).thenRun(() -> replies[0]++);
          }
          sim.runUntilQuiet();
        }
      });
      check(replies[0] == calls, "got " + replies[0] + " replies to " + calls + " calls");
      return r;
    }
  }

  /**
   * An RPC server on {@code channel}: consumes {@link #RPC_QUEUE} with manual acks and answers each request with
   * its body, after {@code delay} of virtual time when given (through a client timer, as a slow handler).
   */
  private static void serveEcho(SimChannel channel, Duration delay) {
    channel.queueDeclare(RPC_QUEUE, false, false, false, null);
    channel.basicQos(PREFETCH);
    SimConnection connection = channel.connection();
    channel.basicConsume(RPC_QUEUE, false, (ch, request) -> {
      Runnable reply = () -> {
        BasicProperties p = request.properties();
        ch.basicPublish("", p.replyTo(), BasicProperties.builder().correlationId(p.correlationId()).build(),
            request.body());
        ch.basicAck(request.deliveryTag(), false);
      };
      if (delay == null) {
        reply.run();
      } else {
        connection.schedule(delay, reply);
      }
    });
  }

  // ------------------------------------------------------------------------------------ one virtual hour

  /**
   * {@code det-virtual-hour}: one virtual hour of RPC at 100 calls/s (a call every 10 ms, started by a timer),
   * each answered after 5 ms of virtual time, each guarded by a 1 s client timeout timer; wall time of the hour.
   */
  static List<Measurement> virtualHour(BenchSettings s) throws Exception {
    Duration hour = Duration.ofHours(1);
    virtualHourRun(s.profile(), 0, s.quick() ? Duration.ofMinutes(10) : hour);   // warmup
    int reps = s.repetitions(3);
    long[] wall = new long[reps];
    long calls = 0;
    for (int i = 0; i < reps; i++) {
      long[] result = virtualHourRun(s.profile(), i + 1, hour);
      wall[i] = result[0];
      calls = result[1];
    }
    double medianSeconds = TimedLoop.median(wall) / 1e9;
    String note = String.format("%,d calls (100/s), reply after 5 ms, 1 s timeout timers; median of %d hours", calls,
        reps);
    return List.of(
        Measurement.cost("det-virtual-hour", "wall time", medianSeconds, "s per virtual hour", note),
        Measurement.rate("det-virtual-hour", "speed", hour.toSeconds() / medianSeconds, "virtual s / wall s", note));
  }

  /** Returns {wall nanos, calls answered}. */
  static long[] virtualHourRun(BrokerProfile profile, long seed, Duration length) {
    long intervalMillis = 10;
    long total = length.toMillis() / intervalMillis;
    try (Simulation sim = Simulation.builder().seed(seed).profile(profile).keepEvents(false).build()) {
      serveEcho(sim.connect("rpc-server").openChannel(), Duration.ofMillis(5));
      SimChannel channel = sim.connect("rpc-client").openChannel();
      RpcClient client = RpcClient.callbackQueue(channel, "", RPC_QUEUE, Duration.ofSeconds(1));
      byte[] body = new byte[BODY_BYTES];
      AtomicLong answered = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Driver.Scheduled[] next = new Driver.Scheduled[1];
      long[] started = {0};
      Runnable tick = new Runnable() {
        @Override
        public void run() {
          CompletionStage<Delivery> call = client.callAsync(null, body);
          call.whenComplete((reply, error) -> (error == null ? answered : failed).incrementAndGet());
          if (++started[0] < total) {
            next[0] = channel.connection().schedule(Duration.ofMillis(intervalMillis), this);
          }
        }
      };
      next[0] = channel.connection().schedule(Duration.ofMillis(intervalMillis), tick);
      sim.runUntilQuiet();
      long start = System.nanoTime();
      sim.advanceBy(length.plusSeconds(2));
      long wall = System.nanoTime() - start;
      check(answered.get() == total && failed.get() == 0,
          answered.get() + " answered, " + failed.get() + " failed of " + total + " calls");
      return new long[] {wall, answered.get()};
    }
  }

  // ------------------------------------------------------------------------------------ scenario seeds

  /** {@code det-scenario-seeds}: seeds per hour of one catalogue scenario, on one thread and on every core. */
  static List<Measurement> scenarioSeeds(BenchSettings s) throws Exception {
    Scenario scenario = Catalogue.find(SCENARIO).or(() -> Catalogue.find(FALLBACK_SCENARIO)).orElseThrow();
    BrokerProfile profile = scenario.profiles().contains(s.profile()) ? s.profile() : scenario.profiles().get(0);
    AtomicLong seeds = new AtomicLong();
    int threads = Runtime.getRuntime().availableProcessors();
    // A scenario run goes through far more code than the throughput loops, and the JIT keeps speeding it up for
    // minutes (measured on 2 cores: 11 ms per run after 15 s, 2.7 ms after 75 s). So first warm up on every core
    // for SEED_WARMUP_FACTOR times the warmup, then measure one thread, then all of them.
    parallelSeedsPerSecond(scenario, profile, threads, seeds, s.warmup().multipliedBy(SEED_WARMUP_FACTOR),
        Duration.ZERO);
    Rate one = TimedLoop.run(s.warmup(), s.measure(), () -> TimedLoop.time(1,
        () -> runScenario(scenario, seeds.getAndIncrement(), profile)));
    double parallel = parallelSeedsPerSecond(scenario, profile, threads, seeds, s.warmup(), s.measure());
    String note = (scenario.name().equals(SCENARIO) ? SCENARIO
        : scenario.name() + " (closest to " + SCENARIO + ", which the catalogue does not have yet)")
        + ", profile " + profile.name() + "; a full run: expectations checked, trace kept";
    return List.of(
        Measurement.rate("det-scenario-seeds", "1 thread", one.perSecond() * 3600, "seeds/hour", note),
        Measurement.rate("det-scenario-seeds", threads + " threads", parallel * 3600, "seeds/hour",
            "one simulation per thread, as brokersim sweep"));
  }

  private static void runScenario(Scenario scenario, long seed, BrokerProfile profile) {
    ScenarioResult r = ScenarioRunner.run(scenario, seed, profile);
    check(r.passed(), scenario.name() + " seed " + seed + " did not pass: " + r.verdict());
  }

  /** Runs seed after seed on {@code threads} threads; returns runs per second during {@code measure}. */
  private static double parallelSeedsPerSecond(Scenario scenario, BrokerProfile profile, int threads,
      AtomicLong seeds, Duration warmup, Duration measure) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long warmEnd = System.nanoTime() + warmup.toNanos();
      long end = warmEnd + measure.toNanos();
      List<Future<Long>> counts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        counts.add(pool.submit(() -> {
          long done = 0;
          for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            runScenario(scenario, seeds.getAndIncrement(), profile);
            if (now >= warmEnd) {
              done++;
            }
          }
          return done;
        }));
      }
      long total = 0;
      for (Future<Long> f : counts) {
        total += f.get();
      }
      return measure.isZero() ? 0 : total / (measure.toNanos() / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }

  // ------------------------------------------------------------------------------------ create + close

  /** {@code det-sim-create-close}: a Simulation built (actors started) and closed, warm median. */
  static List<Measurement> createClose(BenchSettings s) throws Exception {
    long[] seed = {0};
    TimedLoop.runFor(s.warmup(), () -> TimedLoop.time(1, () -> createAndClose(s.profile(), seed[0]++)));
    List<Long> samples = new ArrayList<>();
    TimedLoop.runFor(s.measure(), () -> {
      Rate r = TimedLoop.time(1, () -> createAndClose(s.profile(), seed[0]++));
      samples.add(r.nanos());
      return r;
    });
    long[] all = samples.stream().mapToLong(Long::longValue).toArray();
    double medianMillis = TimedLoop.median(all) / 1e6;
    return List.of(Measurement.cost("det-sim-create-close", "warm median", medianMillis, "ms",
        String.format("Simulation.builder().seed(n).keepEvents(false).build() then close(); median of %,d",
            all.length)));
  }

  private static void createAndClose(BrokerProfile profile, long seed) {
    Simulation.builder().seed(seed).profile(profile).keepEvents(false).build().close();
  }

  static void check(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark run went wrong: " + what);
    }
  }
}
