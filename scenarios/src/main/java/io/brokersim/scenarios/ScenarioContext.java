package io.brokersim.scenarios;

import io.brokersim.core.Simulation;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.Entropy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a scenario script works with: the simulation, factories for scripted requesters and responders,
 * seeded randomness for the script's own choices, the virtual clock, and the {@link RpcLog} the report is
 * built from. One context per run; everything runs on the simulation thread.
 */
public final class ScenarioContext {

  private final Simulation sim;
  private final Entropy random;
  private final RpcLog log;
  private final List<String> scriptErrors = new ArrayList<>();
  private Set<String> onlyCalls = Set.of();
  private SimChannel setup;

  /** A context over {@code sim}; the runner and the JUnit extension create one per run. */
  public ScenarioContext(Simulation sim) {
    this.sim = sim;
    // The script's randomness is its own fork of the seed: drawing from it never shifts the broker's names.
    this.random = new Entropy(sim.seed()).fork("scenario");
    this.log = new RpcLog(sim::nowNanos, () -> sim.trace().lastSeq());
  }

  public Simulation sim() {
    return sim;
  }

  public BrokerProfile profile() {
    return sim.profile();
  }

  public long seed() {
    return sim.seed();
  }

  /** Seeded randomness for the script (processing times, call times); the same seed draws the same values. */
  public Entropy random() {
    return random;
  }

  /** A duration drawn uniformly from {@code [min, max]} at millisecond resolution. */
  public Duration between(Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    if (span < 0) {
      throw new IllegalArgumentException("max " + max + " is before min " + min);
    }
    return min.plusMillis(span == 0 ? 0 : random.nextLong(span + 1));
  }

  /** The well-behaved server, slowed down: works on each request for a seeded time in [min, max], then answers. */
  public Responder.Handler answerAfter(Duration min, Duration max) {
    return request -> request.after(between(min, max), Request::answer);
  }

  public RpcLog log() {
    return log;
  }

  /**
   * Connects a requester named {@code name} that sends its calls to {@code requestQueue} on the default
   * exchange, with an exclusive server-named callback queue of its own.
   */
  public Requester requester(String name, String requestQueue) {
    return requester(name, "", requestQueue, Requester.Replies.callbackQueue());
  }

  /**
   * Connects a requester that sends its calls to {@code requestQueue} on the default exchange and gets its
   * replies as {@code replies} says: {@code Replies.directReplyTo("amq.rabbitmq.reply-to")}, a named queue, ...
   */
  public Requester requester(String name, String requestQueue, Requester.Replies replies) {
    return requester(name, "", requestQueue, replies);
  }

  /** Connects a requester that publishes its calls to {@code exchange} with {@code routingKey}. */
  public Requester requester(String name, String exchange, String routingKey, Requester.Replies replies) {
    return new Requester(this, name, exchange, routingKey, replies);
  }

  /**
   * A channel for declaring topology before the participants start (exchanges, dead-letter queues, bindings),
   * on a connection named "setup" opened on first use. Blocking calls: use it from the script, not in callbacks.
   */
  public SimChannel setupChannel() {
    if (setup == null || !setup.isOpen()) {
      setup = sim.connect("setup").openChannel();
    }
    return setup;
  }

  /** Connects a responder named {@code name}; make it serve a queue with {@link Responder#serve}. */
  public Responder responder(String name) {
    return new Responder(this, name);
  }

  /** Runs {@code task} on the simulation thread after {@code delay} of virtual time from now. */
  public Driver.Scheduled at(Duration delay, Runnable task) {
    return sim.schedule(delay, guarded("scheduled task", task));
  }

  /** Lets {@code d} of virtual time pass, firing timers and delivering messages on the way. */
  public void runFor(Duration d) {
    sim.advanceBy(d);
  }

  /** Virtual time since the start of the run. */
  public Duration now() {
    return sim.now();
  }

  /** Makes only these calls (by correlation_id) and leaves the others out; empty for every call. */
  void onlyCalls(List<String> calls) {
    onlyCalls = Set.copyOf(calls);
  }

  /** Whether the call {@code correlationId} is left out of this run ({@link RunOptions#onlyCalls}). */
  boolean leavesOut(String correlationId) {
    return !onlyCalls.isEmpty() && !onlyCalls.contains(correlationId);
  }

  /**
   * Checks {@code expectations} against the run so far (after letting the current instant finish), each
   * failure or exception becoming a result that does not hold.
   */
  public List<ScenarioResult.ExpectationResult> check(List<Expectation> expectations) {
    sim.runUntilQuiet();
    List<ScenarioResult.ExpectationResult> out = new ArrayList<>(expectations.size());
    for (Expectation e : expectations) {
      Expectation.Check c;
      try {
        c = e.check(this);
      } catch (RuntimeException | AssertionError x) {
        c = Expectation.Check.fails("the check itself failed: " + x);
      }
      out.add(new ScenarioResult.ExpectationResult(e.description(), c.holds(), c.reason(),
          c.holds() ? List.of() : mentionedCalls(e.description() + "\n" + c.reason())));
    }
    return out;
  }

  /** The calls of this run that {@code text} names by correlation_id, in send order. */
  List<String> mentionedCalls(String text) {
    List<String> out = new ArrayList<>();
    for (RpcCall c : log.calls()) {
      String id = c.correlationId();
      int at = text.indexOf(id);
      while (at >= 0) {
        int end = at + id.length();
        boolean startsWord = at == 0 || !idChar(text.charAt(at - 1));
        boolean endsWord = end == text.length() || !idChar(text.charAt(end));
        if (startsWord && endsWord) {
          out.add(id);
          break;
        }
        at = text.indexOf(id, at + 1);
      }
    }
    return out;
  }

  private static boolean idChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '_';
  }

  /**
   * Throws an {@link ExpectationsFailed} (an {@link AssertionError}) listing every expectation that does not hold,
   * and any script error.
   */
  public void assertExpectations(List<Expectation> expectations) {
    StringBuilder failed = new StringBuilder();
    FailureSignature signature = null;
    for (ScenarioResult.ExpectationResult r : check(expectations)) {
      if (!r.holds()) {
        failed.append("\n  - ").append(r.description()).append(": ").append(r.reason());
        if (signature == null) {
          String chain = r.calls().isEmpty() ? "" : log.calls().stream()
              .filter(c -> c.correlationId().equals(r.calls().get(0))).findFirst()
              .map(c -> FateChain.of(this, c)).orElse("");
          signature = new FailureSignature(r.description(), chain);
        }
      }
    }
    for (String error : scriptErrors()) {
      failed.append("\n  - script error: ").append(error);
      if (signature == null) {
        signature = new FailureSignature("error: a script error", "");
      }
    }
    if (failed.length() > 0) {
      throw new ExpectationsFailed("expectations do not hold (seed " + seed() + ", profile " + profile().name() + "):"
          + failed, signature);
    }
  }

  /** Errors thrown by scenario code inside callbacks and timers; any makes the run an error. */
  public synchronized List<String> scriptErrors() {
    return List.copyOf(scriptErrors);
  }

  /**
   * Wraps scenario code that runs on the broker's thread, so that a bug in it is recorded against the run
   * instead of escaping into the broker's actors.
   */
  Runnable guarded(String where, Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | AssertionError e) {
        scriptError(where, e);
      }
    };
  }

  synchronized void scriptError(String where, Throwable e) {
    String text = where + ": " + e;
    scriptErrors.add(text);
    log.add(where, RpcLog.Kind.SCRIPT_ERROR, null, null, text);
  }
}
