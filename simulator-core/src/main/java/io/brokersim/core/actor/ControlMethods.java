package io.brokersim.core.actor;

import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Outcome;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.EntityNames;
import java.util.function.UnaryOperator;

/**
 * Control-plane methods as a channel prepares them for the vhost: entity names normalised and checked per
 * profile (semantics §3.4), and the empty queue name replaced by the channel's last declared queue
 * (semantics §2.1). Pure functions over {@link ClientMethod} records.
 */
final class ControlMethods {
  private ControlMethods() {}

  /** The method ready to send, or the 406/530 error the channel raises instead. */
  static Outcome<ClientMethod> prepare(BrokerProfile p, ClientMethod m, String lastQueue) {
    ClientMethod named = normalised(p, m);
    String queue = queueOf(named);
    if (queue != null && !EntityNames.valid(p, queue)) {
      return Outcome.failed(p.invalidName(methodOf(named), "queue"));
    }
    String exchange = exchangeOf(named);
    if (exchange != null && !EntityNames.valid(p, exchange)) {
      return Outcome.failed(p.invalidName(methodOf(named), "exchange"));
    }
    return withLastQueue(p, named, lastQueue);
  }

  /** RabbitMQ strips CR and LF from queue and exchange names of the methods that name them. */
  private static ClientMethod normalised(BrokerProfile p, ClientMethod m) {
    UnaryOperator<String> n = name -> EntityNames.normalise(p, name);
    if (m instanceof ClientMethod.QueueDeclare d) {
      return new ClientMethod.QueueDeclare(n.apply(d.queue()), d.passive(), d.durable(), d.exclusive(), d.autoDelete(),
          d.noWait(), d.arguments());
    } else if (m instanceof ClientMethod.QueueBind b) {
      return new ClientMethod.QueueBind(n.apply(b.queue()), n.apply(b.exchange()), b.routingKey(), b.noWait(),
          b.arguments());
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return new ClientMethod.QueueUnbind(n.apply(u.queue()), n.apply(u.exchange()), u.routingKey(), u.arguments());
    } else if (m instanceof ClientMethod.QueuePurge pu) {
      return new ClientMethod.QueuePurge(n.apply(pu.queue()), pu.noWait());
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return new ClientMethod.QueueDelete(n.apply(d.queue()), d.ifUnused(), d.ifEmpty(), d.noWait());
    } else if (m instanceof ClientMethod.ExchangeDeclare d) {
      return new ClientMethod.ExchangeDeclare(n.apply(d.exchange()), d.type(), d.passive(), d.durable(), d.autoDelete(),
          d.internal(), d.noWait(), d.arguments());
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      return new ClientMethod.ExchangeDelete(n.apply(d.exchange()), d.ifUnused(), d.noWait());
    }
    return m;
  }

  /** The empty-queue-name shortcut (§2.1): the most recently declared queue; RabbitMQ refuses it without one. */
  private static Outcome<ClientMethod> withLastQueue(BrokerProfile p, ClientMethod m, String last) {
    String q = queueOf(m);
    if (q == null || !q.isEmpty() || m instanceof ClientMethod.QueueDeclare) {
      return Outcome.ok(m);
    }
    if (last == null) {
      return p.isRabbitMq() ? Outcome.failed(p.noPreviouslyDeclaredQueue(methodOf(m))) : Outcome.ok(m);
    }
    if (m instanceof ClientMethod.QueueBind b) {
      return Outcome.ok(new ClientMethod.QueueBind(last, b.exchange(), b.routingKey().isEmpty() ? last : b.routingKey(),
          b.noWait(), b.arguments()));
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return Outcome.ok(new ClientMethod.QueueUnbind(last, u.exchange(), u.routingKey(), u.arguments()));
    } else if (m instanceof ClientMethod.QueuePurge pu) {
      return Outcome.ok(new ClientMethod.QueuePurge(last, pu.noWait()));
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return Outcome.ok(new ClientMethod.QueueDelete(last, d.ifUnused(), d.ifEmpty(), d.noWait()));
    } else if (m instanceof ClientMethod.BasicGet g) {
      return Outcome.ok(new ClientMethod.BasicGet(last, g.noAck()));
    } else if (m instanceof ClientMethod.BasicConsume c) {
      return Outcome.ok(new ClientMethod.BasicConsume(last, c.consumerTag(), c.noLocal(), c.noAck(), c.exclusive(),
          c.noWait(), c.arguments()));
    }
    return Outcome.ok(m);
  }

  static String queueOf(ClientMethod m) {
    if (m instanceof ClientMethod.QueueDeclare d) {
      return d.queue();
    } else if (m instanceof ClientMethod.QueueBind b) {
      return b.queue();
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return u.queue();
    } else if (m instanceof ClientMethod.QueuePurge p) {
      return p.queue();
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return d.queue();
    } else if (m instanceof ClientMethod.BasicGet g) {
      return g.queue();
    } else if (m instanceof ClientMethod.BasicConsume c) {
      return c.queue();
    }
    return null;
  }

  private static String exchangeOf(ClientMethod m) {
    if (m instanceof ClientMethod.ExchangeDeclare d) {
      return d.exchange();
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      return d.exchange();
    } else if (m instanceof ClientMethod.QueueBind b) {
      return b.exchange();
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return u.exchange();
    }
    return null;
  }

  static MethodRef methodOf(ClientMethod m) {
    if (m instanceof ClientMethod.QueueDeclare) {
      return MethodRef.QUEUE_DECLARE;
    } else if (m instanceof ClientMethod.QueueBind) {
      return MethodRef.QUEUE_BIND;
    } else if (m instanceof ClientMethod.QueueUnbind) {
      return MethodRef.QUEUE_UNBIND;
    } else if (m instanceof ClientMethod.QueuePurge) {
      return MethodRef.QUEUE_PURGE;
    } else if (m instanceof ClientMethod.QueueDelete) {
      return MethodRef.QUEUE_DELETE;
    } else if (m instanceof ClientMethod.BasicGet) {
      return MethodRef.BASIC_GET;
    } else if (m instanceof ClientMethod.BasicConsume) {
      return MethodRef.BASIC_CONSUME;
    } else if (m instanceof ClientMethod.BasicPublish) {
      return MethodRef.BASIC_PUBLISH;
    } else if (m instanceof ClientMethod.ExchangeDeclare) {
      return MethodRef.EXCHANGE_DECLARE;
    } else if (m instanceof ClientMethod.ExchangeDelete) {
      return MethodRef.EXCHANGE_DELETE;
    }
    return MethodRef.NONE;
  }
}
