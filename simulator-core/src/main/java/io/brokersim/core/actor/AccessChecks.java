package io.brokersim.core.actor;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.AccessRules;
import io.brokersim.core.profile.BrokerProfile;
import java.util.HashMap;
import java.util.Map;

/**
 * A channel's permission checks (semantics §13): each control-plane method mapped to its {@link AccessRules}
 * rule against the current routing snapshot, and a publish's write check remembered per exchange, so the
 * publish path matches one precompiled expression per exchange a channel uses, once.
 */
final class AccessChecks {
  /** How many exchanges a channel remembers the publish verdict for before it starts over. */
  private static final int PUBLISH_CACHE_SIZE = 256;

  private final BrokerProfile profile;
  private final Permissions permissions;
  private final Vhost vhost;
  private final Map<String, AmqpError> publishVerdicts;

  AccessChecks(BrokerProfile profile, Permissions permissions, Vhost vhost) {
    this.profile = profile;
    this.permissions = permissions;
    this.vhost = vhost;
    this.publishVerdicts = permissions.unrestricted() ? null : new HashMap<>();
  }

  Permissions permissions() {
    return permissions;
  }

  /** The 403 for publishing to {@code exchange}, or null; the verdict is kept per exchange. */
  AmqpError publish(String exchange) {
    if (publishVerdicts == null) {
      return null;
    }
    AmqpError known = publishVerdicts.get(exchange);
    if (known != null || publishVerdicts.containsKey(exchange)) {
      return known;
    }
    if (publishVerdicts.size() >= PUBLISH_CACHE_SIZE) {
      publishVerdicts.clear();
    }
    AmqpError verdict = AccessRules.publish(profile, permissions, vhost.name(), exchange);
    publishVerdicts.put(exchange, verdict);
    return verdict;
  }

  /**
   * The 403 for a prepared control-plane method, or null. A server-named {@code queue.declare} is checked by
   * the vhost once it has generated the name ({@link #serverNamedQueue}).
   */
  AmqpError control(ClientMethod m) {
    if (permissions.unrestricted()) {
      return null;
    }
    AccessRules.Entities e = entities(vhost.topology().current());
    String v = vhost.name();
    if (m instanceof ClientMethod.QueueDeclare d) {
      return d.queue().isEmpty() ? null : AccessRules.queueDeclare(profile, permissions, v, d.queue(), false,
          d.passive(), deadLetterExchange(d), e);
    } else if (m instanceof ClientMethod.QueueDelete d) {
      return AccessRules.queueDelete(profile, permissions, v, d.queue(), e);
    } else if (m instanceof ClientMethod.QueuePurge p) {
      return AccessRules.queuePurge(profile, permissions, v, p.queue());
    } else if (m instanceof ClientMethod.BasicConsume c) {
      return AccessRules.consumeOrGet(profile, permissions, v, c.queue(), MethodRef.BASIC_CONSUME);
    } else if (m instanceof ClientMethod.BasicGet g) {
      return AccessRules.consumeOrGet(profile, permissions, v, g.queue(), MethodRef.BASIC_GET);
    } else if (m instanceof ClientMethod.QueueBind b) {
      return AccessRules.queueBind(profile, permissions, v, b.queue(), b.exchange(), false, e);
    } else if (m instanceof ClientMethod.QueueUnbind u) {
      return AccessRules.queueBind(profile, permissions, v, u.queue(), u.exchange(), true, e);
    } else if (m instanceof ClientMethod.ExchangeBind b) {
      return AccessRules.exchangeBind(profile, permissions, v, b.destination(), b.source(), false, e);
    } else if (m instanceof ClientMethod.ExchangeUnbind u) {
      return AccessRules.exchangeBind(profile, permissions, v, u.destination(), u.source(), true, e);
    } else if (m instanceof ClientMethod.ExchangeDeclare d) {
      return AccessRules.exchangeDeclare(profile, permissions, v, d.exchange(), d.passive(), d.arguments(), e);
    } else if (m instanceof ClientMethod.ExchangeDelete d) {
      return AccessRules.exchangeDelete(profile, permissions, v, d.exchange(), e);
    }
    return null;
  }

  /** The 403 for declaring the queue the vhost just named {@code generated}, or null. */
  static AmqpError serverNamedQueue(BrokerProfile profile, Permissions permissions, String vhost, String generated,
      ClientMethod.QueueDeclare d) {
    return AccessRules.queueDeclare(profile, permissions, vhost, generated, true, false, deadLetterExchange(d),
        NO_ENTITIES);
  }

  private static String deadLetterExchange(ClientMethod.QueueDeclare d) {
    return d.arguments() == null ? null : FieldTables.stringValue(d.arguments(), "x-dead-letter-exchange");
  }

  private static final AccessRules.Entities NO_ENTITIES = new AccessRules.Entities() {
    @Override
    public boolean queueExists(String name) {
      return false;
    }

    @Override
    public boolean exchangeExists(String name) {
      return false;
    }
  };

  private static AccessRules.Entities entities(RoutingSnapshot<ExchangeHandle, QueueHandle> s) {
    return new AccessRules.Entities() {
      @Override
      public boolean queueExists(String name) {
        return s.queue(name) != null;
      }

      @Override
      public boolean exchangeExists(String name) {
        return s.exchange(name) != null;
      }
    };
  }
}
