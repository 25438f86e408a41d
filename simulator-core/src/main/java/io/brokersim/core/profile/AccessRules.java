package io.brokersim.core.profile;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.model.Permissions.Permission;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.model.ReservedNames;

/**
 * Which permission each channel method needs, checked in the broker's order, and the 403 it answers
 * (semantics §13). Each rule returns the refusal, or null when the permissions allow the method or when the
 * broker judges something else first (a missing entity, the default exchange, a reserved name), which the
 * caller's other rules then answer.
 *
 * <p>RabbitMQ ({@code rabbit_channel} {@code check_*_permitted}, 3.13 and 4.x alike) checks before it looks
 * the entity up, and words every refusal {@code "<perm> access to <kind> '<name>' in vhost '<vhost>' refused
 * for user '<user>'"}, checking the default exchange as {@code amq.default}. LavinMQ ({@code amqp/client.cr})
 * checks after most existence checks (a bind to a missing queue is 404, an unbind or delete of a missing
 * entity is ok) and has one sentence per method.
 */
public final class AccessRules {

  /** What the rules need to know about the vhost's entities (LavinMQ checks after existence). */
  public interface Entities {
    boolean queueExists(String name);

    boolean exchangeExists(String name);
  }

  private AccessRules() {}

  /**
   * {@code queue.declare} of {@code queue} ({@code serverNamed}: the name the broker just generated):
   * configure on the queue; for a new queue with a dead-letter exchange also read on the queue and write on
   * that exchange. A passive declare needs nothing, and a client-chosen {@code amq.*} name is refused as
   * reserved first (both brokers check the name before the permission). LavinMQ checks only queues it creates.
   */
  public static AmqpError queueDeclare(BrokerProfile p, Permissions perms, String vhost, String queue,
      boolean serverNamed, boolean passive, String deadLetterExchange, Entities e) {
    if (perms.unrestricted() || passive || !serverNamed && ReservedNames.hasReservedPrefix(queue)) {
      return null;
    }
    boolean exists = e.queueExists(queue);
    if (p.isRabbitMq()) {
      AmqpError refused = rabbit(perms, Permission.CONFIGURE, "queue", queue, vhost, MethodRef.QUEUE_DECLARE);
      if (refused != null || exists || deadLetterExchange == null) {
        return refused;
      }
      refused = rabbit(perms, Permission.READ, "queue", queue, vhost, MethodRef.QUEUE_DECLARE);
      return refused != null ? refused
          : rabbit(perms, Permission.WRITE, "exchange", deadLetterExchange, vhost, MethodRef.QUEUE_DECLARE);
    }
    if (exists) {
      return null;
    }
    // LavinMQ reads the connection's name where the queue's is meant (client.cr declare_new_queue); brokersim
    // checks the queue, as RabbitMQ does.
    boolean dlxOk = deadLetterExchange == null
        || perms.mayWrite(deadLetterExchange) && perms.mayRead(queue);
    return dlxOk && perms.mayConfigure(queue) ? null
        : lavin(MethodRef.QUEUE_DECLARE, "User '" + perms.user() + "' doesn't have permissions to queue '" + queue + "'");
  }

  /** {@code queue.delete}: configure on the queue (LavinMQ: only a queue that exists). */
  public static AmqpError queueDelete(BrokerProfile p, Permissions perms, String vhost, String queue, Entities e) {
    if (perms.unrestricted()) {
      return null;
    }
    if (p.isRabbitMq()) {
      return rabbit(perms, Permission.CONFIGURE, "queue", queue, vhost, MethodRef.QUEUE_DELETE);
    }
    return !e.queueExists(queue) || perms.mayConfigure(queue) ? null
        : lavin(MethodRef.QUEUE_DELETE, "User '" + perms.user() + "' doesn't have permissions to delete queue '"
            + queue + "'");
  }

  /** {@code queue.purge}: read on the queue, before anything else (LavinMQ's text says "write", sic). */
  public static AmqpError queuePurge(BrokerProfile p, Permissions perms, String vhost, String queue) {
    if (perms.unrestricted()) {
      return null;
    }
    if (p.isRabbitMq()) {
      return rabbit(perms, Permission.READ, "queue", queue, vhost, MethodRef.QUEUE_PURGE);
    }
    return perms.mayRead(queue) ? null
        : lavin(MethodRef.QUEUE_PURGE, "User '" + perms.user() + "' doesn't have write permissions to queue '"
            + queue + "'");
  }

  /** {@code basic.consume} or {@code basic.get}: read on the queue (RabbitMQ: not for its reply-to pseudo-queue). */
  public static AmqpError consumeOrGet(BrokerProfile p, Permissions perms, String vhost, String queue,
      MethodRef method) {
    if (perms.unrestricted()) {
      return null;
    }
    if (p.isRabbitMq()) {
      return p.isReplyPseudoName(queue) ? null : rabbit(perms, Permission.READ, "queue", queue, vhost, method);
    }
    return perms.mayRead(queue) ? null
        : lavin(method, "User '" + perms.user() + "' doesn't have permissions to queue '" + queue + "'");
  }

  /**
   * {@code queue.bind} / {@code queue.unbind}: write on the queue, read on the exchange. RabbitMQ checks the
   * queue, then refuses the default exchange, then checks the exchange; LavinMQ first answers a missing
   * queue or exchange (404 for bind, ok for unbind), then checks the exchange and the queue.
   */
  public static AmqpError queueBind(BrokerProfile p, Permissions perms, String vhost, String queue, String exchange,
      boolean unbind, Entities e) {
    if (perms.unrestricted()) {
      return null;
    }
    MethodRef method = unbind ? MethodRef.QUEUE_UNBIND : MethodRef.QUEUE_BIND;
    if (p.isRabbitMq()) {
      AmqpError refused = rabbit(perms, Permission.WRITE, "queue", queue, vhost, method);
      if (refused != null || ReservedNames.isDefaultExchange(exchange)) {
        return refused;
      }
      return rabbit(perms, Permission.READ, "exchange", exchange, vhost, method);
    }
    if (!e.queueExists(queue) || !e.exchangeExists(exchange)) {
      return null;
    }
    // LavinMQ names the user in bind refusals but not in unbind ones.
    String who = unbind ? "User" : "User '" + perms.user() + "'";
    if (!perms.mayRead(exchange)) {
      return lavin(method, who + " doesn't have read permissions to exchange '" + exchange + "'");
    }
    return perms.mayWrite(queue) ? null
        : lavin(method, who + " doesn't have write permissions to queue '" + queue + "'");
  }

  /** {@code exchange.bind} / {@code exchange.unbind}: write on the destination, read on the source. */
  public static AmqpError exchangeBind(BrokerProfile p, Permissions perms, String vhost, String destination,
      String source, boolean unbind, Entities e) {
    if (perms.unrestricted()) {
      return null;
    }
    MethodRef method = unbind ? MethodRef.EXCHANGE_UNBIND : MethodRef.EXCHANGE_BIND;
    if (p.isRabbitMq()) {
      AmqpError refused = rabbit(perms, Permission.WRITE, "exchange", destination, vhost, method);
      if (refused != null || ReservedNames.isDefaultExchange(destination) || ReservedNames.isDefaultExchange(source)) {
        return refused;
      }
      return rabbit(perms, Permission.READ, "exchange", source, vhost, method);
    }
    if (!e.exchangeExists(destination) || !e.exchangeExists(source)) {
      return null;
    }
    String who = "User '" + perms.user() + "'";
    if (!perms.mayRead(source)) {
      return lavin(method, who + " doesn't have read permissions to exchange '" + source + "'");
    }
    return perms.mayWrite(destination) ? null
        : lavin(method, who + " doesn't have write permissions to exchange '" + destination + "'");
  }

  /**
   * {@code exchange.declare}: configure on the exchange; for a new one with an alternate exchange also read
   * on it and write on the alternate. A passive declare needs nothing; the default exchange and (LavinMQ)
   * reserved names are refused by other rules first. LavinMQ checks only exchanges it creates, and looks for
   * the alternate under {@code x-alternate-exchange} only.
   */
  public static AmqpError exchangeDeclare(BrokerProfile p, Permissions perms, String vhost, String exchange,
      boolean passive, java.util.Map<String, Object> arguments, Entities e) {
    if (perms.unrestricted() || passive || ReservedNames.isDefaultExchange(exchange)) {
      return null;
    }
    boolean exists = e.exchangeExists(exchange);
    if (p.isRabbitMq()) {
      AmqpError refused = rabbit(perms, Permission.CONFIGURE, "exchange", exchange, vhost, MethodRef.EXCHANGE_DECLARE);
      Object ae = arguments == null ? null : arguments.get("alternate-exchange");
      if (refused != null || exists || !(ae instanceof String || ae instanceof byte[])) {
        return refused;
      }
      String alternate = ae instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : (String) ae;
      refused = rabbit(perms, Permission.READ, "exchange", exchange, vhost, MethodRef.EXCHANGE_DECLARE);
      return refused != null ? refused
          : rabbit(perms, Permission.WRITE, "exchange", alternate, vhost, MethodRef.EXCHANGE_DECLARE);
    }
    if (exists || ReservedNames.hasReservedPrefix(exchange)) {
      return null;
    }
    Object ae = arguments == null ? null : arguments.get("x-alternate-exchange");
    boolean aeOk = !(ae instanceof String alternate) || perms.mayWrite(alternate) && perms.mayRead(exchange);
    return aeOk && perms.mayConfigure(exchange) ? null
        : lavin(MethodRef.EXCHANGE_DECLARE, "User '" + perms.user() + "' doesn't have permissions to declare exchange '"
            + exchange + "'");
  }

  /** {@code exchange.delete}: configure on the exchange, after the default and {@code amq.*} refusals. */
  public static AmqpError exchangeDelete(BrokerProfile p, Permissions perms, String vhost, String exchange,
      Entities e) {
    if (perms.unrestricted() || ReservedNames.isDefaultExchange(exchange) || ReservedNames.hasReservedPrefix(exchange)) {
      return null;
    }
    if (p.isRabbitMq()) {
      return rabbit(perms, Permission.CONFIGURE, "exchange", exchange, vhost, MethodRef.EXCHANGE_DELETE);
    }
    return !e.exchangeExists(exchange) || perms.mayConfigure(exchange) ? null
        : lavin(MethodRef.EXCHANGE_DELETE, "User '" + perms.user() + "' doesn't have permissions to delete exchange '"
            + exchange + "'");
  }

  /**
   * {@code basic.publish}: write on the exchange, before the broker looks it up (so a refused publish to a
   * missing exchange is 403, not 404). RabbitMQ checks the default exchange as {@code amq.default}, LavinMQ
   * as the empty name.
   */
  public static AmqpError publish(BrokerProfile p, Permissions perms, String vhost, String exchange) {
    if (perms.unrestricted()) {
      return null;
    }
    if (p.isRabbitMq()) {
      return rabbit(perms, Permission.WRITE, "exchange", exchange, vhost, MethodRef.BASIC_PUBLISH);
    }
    return perms.mayWrite(exchange) ? null
        : lavin(MethodRef.BASIC_PUBLISH, "User '" + perms.user() + "' not allowed to publish to exchange '"
            + exchange + "'");
  }

  private static AmqpError rabbit(Permissions perms, Permission permission, String kind, String name, String vhost,
      MethodRef method) {
    // rabbit_access_control: the default exchange is checked (and named) as amq.default.
    String checked = kind.equals("exchange") && ReservedNames.isDefaultExchange(name) ? "amq.default" : name;
    if (perms.permits(permission, checked)) {
      return null;
    }
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, method, permission.word() + " access to " + kind + " '" + checked
        + "' in vhost '" + vhost + "' refused for user '" + perms.user() + "'");
  }

  private static AmqpError lavin(MethodRef method, String text) {
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, method, text);
  }
}
