package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.Binding;
import io.brokersim.core.model.BindingTable;
import io.brokersim.core.model.Destination;
import io.brokersim.core.model.ExchangeType;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueSpec;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.ReservedNames;
import io.brokersim.core.model.RoutingSnapshot;
import java.util.Map;

/**
 * The checks of binding and unbinding against a routing snapshot, in the order the brokers make them, with
 * each profile's codes and texts. Pure: the exchange actor that applies a change and the vhost that answers
 * for a missing exchange ask the same function, so the first error a client sees never depends on which
 * actor answered.
 */
public final class TopologyRules {
  private TopologyRules() {}

  /** True when an exclusive queue belongs to another connection (405 RESOURCE_LOCKED for it). */
  public static boolean lockedFor(QueueSpec spec, String connectionId) {
    return spec.exclusive() && !spec.ownerConnection().equals(connectionId);
  }

  /** The error for {@code queue.bind}, or null when the binding may be added. */
  public static AmqpError queueBind(BrokerProfile p, String vhost, RoutingSnapshot<?, ?> s, String connectionId,
      String queue, String exchange, Map<String, Object> arguments) {
    if (ReservedNames.isDefaultExchange(exchange)) {
      return p.defaultExchangeRefused(MethodRef.QUEUE_BIND);
    }
    if (p.isReplyName(queue) && p.bindToReplyNameError(MethodRef.QUEUE_BIND).isPresent()) {
      return p.bindToReplyNameError(MethodRef.QUEUE_BIND).get();
    }
    RoutingSnapshot.QueueNode<?> q = s.queue(queue);
    if (q == null) {
      return p.queueNotFound(MethodRef.QUEUE_BIND, queue, vhost);
    }
    RoutingSnapshot.ExchangeNode<?> x = s.exchange(exchange);
    if (x == null) {
      return p.exchangeNotFound(MethodRef.QUEUE_BIND, exchange, vhost);
    }
    if (lockedFor(q.spec(), connectionId)) {
      return p.exclusiveLocked(MethodRef.QUEUE_BIND, queue, vhost);
    }
    if (x.spec().type() == ExchangeType.HEADERS) {
      var bad = BindingTable.validateHeadersBindingArgs(arguments);
      if (bad.isPresent()) {
        return AmqpError.of(ReplyCode.PRECONDITION_FAILED, MethodRef.QUEUE_BIND, bad.get());
      }
    }
    return null;
  }

  /** What {@code queue.unbind} does: refuse, answer ok without a change, or remove the binding. */
  public enum UnbindAction { REFUSE, OK_NOTHING_TO_DO, REMOVE }

  /** The decision for {@code queue.unbind}, and its error when refused. */
  public record Unbind(UnbindAction action, AmqpError error) {}

  /**
   * The decision for {@code queue.unbind} of {@code binding}: unbinding is idempotent on every profile (a
   * missing queue, exchange or binding answers {@code unbind-ok}, §3.5). The exclusive-queue check applies
   * only to a binding that exists on RabbitMQ, and whenever queue and exchange exist on LavinMQ.
   */
  public static Unbind queueUnbind(BrokerProfile p, String vhost, RoutingSnapshot<?, ?> s, String connectionId,
      String queue, String exchange, Binding<Destination> binding) {
    if (ReservedNames.isDefaultExchange(exchange)) {
      return refuse(p.defaultExchangeRefused(MethodRef.QUEUE_UNBIND));
    }
    if (p.isReplyName(queue) && p.bindToReplyNameError(MethodRef.QUEUE_UNBIND).isPresent()) {
      return refuse(p.bindToReplyNameError(MethodRef.QUEUE_UNBIND).get());
    }
    RoutingSnapshot.QueueNode<?> q = s.queue(queue);
    RoutingSnapshot.ExchangeNode<?> x = s.exchange(exchange);
    if (q == null || x == null) {
      return new Unbind(UnbindAction.OK_NOTHING_TO_DO, null);
    }
    boolean bound = x.bindings().contains(binding);
    if ((bound || p.isLavinMq()) && lockedFor(q.spec(), connectionId)) {
      return refuse(p.exclusiveLocked(MethodRef.QUEUE_UNBIND, queue, vhost));
    }
    return new Unbind(bound ? UnbindAction.REMOVE : UnbindAction.OK_NOTHING_TO_DO, null);
  }

  /** The decision for {@code exchange.unbind}: idempotent too; only the default exchange is refused. */
  public static Unbind exchangeUnbind(BrokerProfile p, RoutingSnapshot<?, ?> s, String destination, String source) {
    if (ReservedNames.isDefaultExchange(source) || ReservedNames.isDefaultExchange(destination)) {
      return refuse(p.defaultExchangeRefused(MethodRef.EXCHANGE_UNBIND));
    }
    return new Unbind(s.exchange(destination) == null || s.exchange(source) == null
        ? UnbindAction.OK_NOTHING_TO_DO : UnbindAction.REMOVE, null);
  }

  private static Unbind refuse(AmqpError e) {
    return new Unbind(UnbindAction.REFUSE, e);
  }

  /** The error for {@code exchange.bind}, or null. */
  public static AmqpError exchangeBind(BrokerProfile p, String vhost, RoutingSnapshot<?, ?> s, String destination,
      String source) {
    MethodRef method = MethodRef.EXCHANGE_BIND;
    if (ReservedNames.isDefaultExchange(source) || ReservedNames.isDefaultExchange(destination)) {
      return p.defaultExchangeRefused(method);
    }
    if (s.exchange(destination) == null) {
      return p.exchangeNotFound(method, destination, vhost);
    }
    if (s.exchange(source) == null) {
      return p.exchangeNotFound(method, source, vhost);
    }
    return null;
  }
}
