package io.brokersim.core.profile;

import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.FieldTables;
import io.brokersim.core.model.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-letter transformation (semantics §5.4–5.5), per profile: the new message goes to the
 * dead-letter exchange with the queue's dead-letter routing key (or its own), loses its
 * {@code expiration}, and carries {@code x-death} bookkeeping in the profile's shape.
 */
public final class DeadLettering {
  private DeadLettering() {}

  /** Why a message was dead-lettered, as written in {@code x-death.reason}. */
  public enum Reason {
    REJECTED("rejected"), EXPIRED("expired"), MAXLEN("maxlen"), DELIVERY_LIMIT("delivery_limit");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /** The reason whose {@link #wire()} is {@code wire}. */
    public static Reason fromWire(String wire) {
      Reason r = find(wire);
      if (r == null) {
        throw new IllegalArgumentException("no dead-letter reason '" + wire + "'");
      }
      return r;
    }

    /** The reason whose {@link #wire()} is {@code wire}, or null. */
    static Reason find(String wire) {
      for (Reason r : values()) {
        if (r.wire.equals(wire)) {
          return r;
        }
      }
      return null;
    }
  }

  /**
   * The dead-lettered copy of {@code m}, leaving queue {@code queue}.
   *
   * @param newMsgId the broker id of the new message
   * @param epochSeconds the time written into {@code x-death.time}
   */
  public static Message deadLetter(BrokerProfile profile, Message m, String newMsgId, String queue, Reason reason,
      String deadLetterExchange, String deadLetterRoutingKey, long epochSeconds) {
    BasicProperties p = m.properties();
    Map<String, Object> headers = p.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(p.headers());
    List<Object> deaths = new ArrayList<>();
    if (headers.get("x-death") instanceof List<?> existing) {
      switch (profile.publishedDeaths()) {
        case KEPT -> deaths.addAll(existing);
        case VALID_ONES_KEPT -> {
          for (Object o : existing) {
            Map<String, Object> valid = validDeath(o);
            if (valid != null) {
              deaths.add(valid);
            }
          }
        }
        case IGNORED -> {
          if (m.deathsByBroker()) {
            deaths.addAll(existing);
          }
        }
      }
    }
    Map<String, Object> entry = null;
    for (int i = 0; i < deaths.size(); i++) {
      if (deaths.get(i) instanceof Map<?, ?> d && queue.equals(d.get("queue")) && reason.wire().equals(d.get("reason"))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> found = new LinkedHashMap<>((Map<String, Object>) d);
        entry = found;
        deaths.remove(i);
        break;
      }
    }
    if (entry == null) {
      entry = new LinkedHashMap<>();
      entry.put("count", profile.isLavinMq() ? (Object) 1 : (Object) 1L);
      entry.put("reason", reason.wire());
      entry.put("queue", queue);
      entry.put("time", new FieldTables.Timestamp(epochSeconds));
      entry.put("exchange", m.exchange());
      entry.put("routing-keys", List.copyOf(m.visibleRoutingKeys())); // with CC, without BCC (§5.5)
      if (p.expiration() != null) {
        entry.put("original-expiration", p.expiration());
      }
    } else {
      Long count = FieldTables.integerValue(entry.get("count"));
      long next = (count == null ? 0 : count) + 1;
      entry.put("count", profile.isLavinMq() ? (Object) (int) next : (Object) next);
      if (profile.isLavinMq()) {
        // LavinMQ refreshes the time, the routing keys and the original expiration of the entry it counts.
        entry.put("time", new FieldTables.Timestamp(epochSeconds));
        entry.put("routing-keys", List.copyOf(m.visibleRoutingKeys()));
        if (p.expiration() != null) {
          entry.put("original-expiration", p.expiration());
        }
      }
    }
    deaths.add(0, entry);
    headers.put("x-death", deaths);
    headers.putIfAbsent("x-first-death-queue", queue);
    headers.putIfAbsent("x-first-death-reason", reason.wire());
    headers.putIfAbsent("x-first-death-exchange", m.exchange());
    if (profile.isRabbitMq()) {
      headers.put("x-last-death-queue", queue);
      headers.put("x-last-death-reason", reason.wire());
      headers.put("x-last-death-exchange", m.exchange());
    } else {
      headers.remove("x-dead-letter-exchange");
      headers.remove("x-dead-letter-routing-key");
    }
    if (deadLetterRoutingKey != null) {
      // A new routing key replaces every original one: CC goes, BCC keys are no longer routed on (§5.4).
      headers.remove(Message.CC);
      BasicProperties out = p.toBuilder().headers(headers).expiration(null).build();
      return new Message(newMsgId, deadLetterExchange, deadLetterRoutingKey, out, m.body(), List.of(), true);
    }
    BasicProperties out = p.toBuilder().headers(headers).expiration(null).build();
    return new Message(newMsgId, deadLetterExchange, m.routingKey(), out, m.body(), m.bcc(), true);
  }

  /**
   * An {@code x-death} entry as RabbitMQ 3.13 recovers it from a published message: a table with {@code
   * exchange}, {@code queue}, {@code routing-keys}, {@code reason}, {@code count} and a {@code time}, rebuilt
   * with those fields (and {@code original-expiration}) only; null for anything else, which is dropped.
   */
  private static Map<String, Object> validDeath(Object o) {
    if (!(o instanceof Map<?, ?> d)) {
      return null;
    }
    Object reason = d.get("reason");
    Long count = FieldTables.integerValue(d.get("count"));
    boolean valid = d.get("exchange") instanceof String && d.get("queue") instanceof String
        && d.get("routing-keys") instanceof List<?> && reason instanceof String r && Reason.find(r) != null
        && count != null && d.get("time") instanceof FieldTables.Timestamp;
    if (!valid) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("reason", reason);
    out.put("queue", d.get("queue"));
    out.put("time", d.get("time"));
    out.put("exchange", d.get("exchange"));
    out.put("routing-keys", d.get("routing-keys"));
    if (d.get("original-expiration") instanceof String e) {
      out.put("original-expiration", e);
    }
    return out;
  }

  /**
   * Cycle detection (§5.4): a dead letter is not delivered back to a queue it already died in, unless
   * some death on its way was a rejection.
   */
  public static boolean isCycle(Message deadLetter, String targetQueue) {
    Map<String, Object> h = deadLetter.properties().headers();
    if (h == null || !(h.get("x-death") instanceof List<?> deaths)) {
      return false;
    }
    boolean seen = false;
    for (Object o : deaths) {
      if (o instanceof Map<?, ?> d) {
        if ("rejected".equals(d.get("reason"))) {
          return false;
        }
        if (targetQueue.equals(d.get("queue"))) {
          seen = true;
        }
      }
    }
    return seen;
  }
}
