package io.brokersim.scenarios;

import io.brokersim.scenarios.catalogue.BrokerRestartLosesTransientCallbackQueue;
import io.brokersim.scenarios.catalogue.ConsumerDroppedMidStream;
import io.brokersim.scenarios.catalogue.HighPriorityRequestOvertakes;
import io.brokersim.scenarios.catalogue.LateReplyAfterTimeout;
import io.brokersim.scenarios.catalogue.LivenessProbeBeforeReply;
import io.brokersim.scenarios.catalogue.LostReplyRequesterChannelClosed;
import io.brokersim.scenarios.catalogue.LostReplyRequesterConnectionDropped;
import io.brokersim.scenarios.catalogue.LostReplyResponderDiesBeforeCommit;
import io.brokersim.scenarios.catalogue.LostReplyServerAcksThenCrashes;
import io.brokersim.scenarios.catalogue.LostReplyServerCrashBeforeAck;
import io.brokersim.scenarios.catalogue.PoisonRequestDeliveryLimit;
import io.brokersim.scenarios.catalogue.PublishBeforeReplyConsumer;
import io.brokersim.scenarios.catalogue.ReplyConsumerWithAck;
import io.brokersim.scenarios.catalogue.RequestExpiresInQueue;
import io.brokersim.scenarios.catalogue.RpcCallbackQueue;
import io.brokersim.scenarios.catalogue.RpcDirectReplyTo;
import io.brokersim.scenarios.catalogue.SeedDirectReplyToAsWritten;
import io.brokersim.scenarios.catalogue.SingleActiveConsumerFailover;
import io.brokersim.scenarios.catalogue.SlowServerConsumerTimeout;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios {@code brokersim} can run, in teaching order: callback-queue RPC and how its replies get lost,
 * then direct reply-to (the LavinMQ guide's example, its two 406s, a dead requester, the liveness probe), then
 * request TTL with dead-lettering and a broker restart, then what quorum queues, consumer timeouts, single active
 * consumer and priority queues change. docs/scenarios.md explains each.
 */
public final class Catalogue {

  private static final List<Scenario> ALL = List.of(
      new RpcCallbackQueue(),
      new LostReplyRequesterConnectionDropped(),
      new LostReplyServerCrashBeforeAck(),
      new LostReplyServerAcksThenCrashes(),
      new LateReplyAfterTimeout(),
      new ConsumerDroppedMidStream(),
      new RpcDirectReplyTo(),
      new SeedDirectReplyToAsWritten(),
      new ReplyConsumerWithAck(),
      new PublishBeforeReplyConsumer(),
      new LostReplyRequesterChannelClosed(),
      new LivenessProbeBeforeReply(),
      new RequestExpiresInQueue(),
      new BrokerRestartLosesTransientCallbackQueue(),
      new LostReplyResponderDiesBeforeCommit(),
      new SlowServerConsumerTimeout(),
      new PoisonRequestDeliveryLimit(),
      new SingleActiveConsumerFailover(),
      new HighPriorityRequestOvertakes());

  private Catalogue() {}

  /** Every runnable scenario, in teaching order. */
  public static List<Scenario> all() {
    return ALL;
  }

  public static Optional<Scenario> find(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  /**
   * A catalogue scenario by name, or else, for a name that looks like a class name, a {@link Scenario} class on
   * the class path with a public no-argument constructor: {@code brokersim run com.example.MyScenario}.
   */
  public static Optional<Scenario> resolve(String name) {
    Optional<Scenario> known = find(name);
    if (known.isPresent() || !name.contains(".")) {
      return known;
    }
    try {
      Class<?> type = Class.forName(name, true, Thread.currentThread().getContextClassLoader());
      if (!Scenario.class.isAssignableFrom(type)) {
        return Optional.empty();
      }
      return Optional.of((Scenario) type.getConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** The name that {@link #resolve} turns back into {@code scenario}: its catalogue name, else its class name. */
  public static String replayName(Scenario scenario) {
    return find(scenario.name()).filter(s -> s.getClass() == scenario.getClass()).isPresent()
        ? scenario.name() : scenario.getClass().getName();
  }

  public static List<String> names() {
    return ALL.stream().map(Scenario::name).toList();
  }
}
