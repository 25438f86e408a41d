package io.brokersim.core.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The routing view of one virtual host at one moment: its exchanges with their bindings (as source), its
 * queues, and the handles of the actors that own them ({@code X} for exchanges, {@code Q} for queues).
 *
 * <p>Immutable: every change returns a new snapshot with the next {@link #version()}, and a binding table
 * inside a snapshot is sealed. The control plane (the actors that own exchanges and queues) publishes the
 * new snapshot before it answers the client's {@code -ok}, so a channel always routes against a view that
 * includes its own earlier changes. Publishing channels and queues dead-lettering a message route against
 * whatever snapshot is current, without asking any actor.
 *
 * <p>Changes that delete things cascade as the brokers do, in one step: removing a queue or an exchange
 * removes every binding to it, and an auto-delete exchange whose last binding (as source) goes is removed
 * too, transitively. {@link Change#removedExchanges()} lists them so their owners can be told.
 */
public final class RoutingSnapshot<X, Q> {

  /**
   * One exchange: its declared identity, its bindings as source (sealed), its owner's handle, and the name of
   * its alternate exchange (null if none), as the profile reads the declare arguments.
   */
  public record ExchangeNode<X>(ExchangeSpec spec, BindingTable<Destination> bindings, X handle, String alternate) {
    public ExchangeNode {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(bindings, "bindings");
      bindings.seal();
    }

    /** A node whose alternate exchange is the {@code alternate-exchange} long string, as RabbitMQ reads it. */
    public ExchangeNode(ExchangeSpec spec, BindingTable<Destination> bindings, X handle) {
      this(spec, bindings, handle, spec.alternateExchange());
    }

    public String name() {
      return spec.name();
    }

    /** The default exchange: every queue is implicitly bound to it under its own name. */
    public boolean isDefault() {
      return ReservedNames.isDefaultExchange(spec.name());
    }

    ExchangeNode<X> withBindings(BindingTable<Destination> table) {
      return new ExchangeNode<>(spec, table, handle, alternate);
    }
  }

  /** One queue: its declared identity and its owner's handle. */
  public record QueueNode<Q>(QueueSpec spec, Q handle) {
    public QueueNode {
      Objects.requireNonNull(spec, "spec");
    }

    public String name() {
      return spec.name();
    }
  }

  /**
   * The result of a change: the new snapshot (the same instance when nothing changed) and the exchanges
   * removed by it, in removal order, including auto-delete cascades.
   */
  public record Change<X, Q>(RoutingSnapshot<X, Q> snapshot, boolean changed, List<ExchangeNode<X>> removedExchanges) {}

  private static final RoutingSnapshot<?, ?> EMPTY = new RoutingSnapshot<>(0, Map.of(), Map.of());

  private final long version;
  private final Map<String, ExchangeNode<X>> exchanges;
  private final Map<String, QueueNode<Q>> queues;

  private RoutingSnapshot(long version, Map<String, ExchangeNode<X>> exchanges, Map<String, QueueNode<Q>> queues) {
    this.version = version;
    this.exchanges = exchanges;
    this.queues = queues;
  }

  /** The snapshot of a virtual host with nothing declared (version 0). */
  @SuppressWarnings("unchecked")
  public static <X, Q> RoutingSnapshot<X, Q> empty() {
    return (RoutingSnapshot<X, Q>) EMPTY;
  }

  /** Increases by one with every change. */
  public long version() {
    return version;
  }

  /** The exchange of that name (the default exchange is {@code ""}), or null. */
  public ExchangeNode<X> exchange(String name) {
    return exchanges.get(name);
  }

  /** The queue of that name, or null. */
  public QueueNode<Q> queue(String name) {
    return queues.get(name);
  }

  /** Every exchange, in declaration order. */
  public Collection<ExchangeNode<X>> exchanges() {
    return exchanges.values();
  }

  /** Every queue, in declaration order. */
  public Collection<QueueNode<Q>> queues() {
    return queues.values();
  }

  /** {@link #route(ExchangeNode, List, Map)} with one routing key. */
  public List<QueueNode<Q>> route(ExchangeNode<X> from, String routingKey, Map<String, Object> headers) {
    return route(from, List.of(routingKey), headers);
  }

  /**
   * The queues a message published to {@code from} with these routing keys (its own, then {@code CC} and
   * {@code BCC}) reaches. Exchange-to-exchange bindings are followed breadth-first, each exchange visited
   * once so cycles end; an exchange whose bindings match nothing hands the message to its alternate
   * exchange ({@code alternate-exchange} argument), if that exists and was not visited. Each queue appears
   * once, in the order it was first reached. An empty list means unroutable, which is not an error.
   */
  public List<QueueNode<Q>> route(ExchangeNode<X> from, List<String> routingKeys, Map<String, Object> headers) {
    if (from.isDefault()) {
      if (routingKeys.size() == 1) {
        QueueNode<Q> q = queues.get(routingKeys.get(0));
        return q == null ? List.of() : List.of(q);
      }
      Set<QueueNode<Q>> reached = new LinkedHashSet<>();
      for (String key : routingKeys) {
        QueueNode<Q> q = queues.get(key);
        if (q != null) {
          reached.add(q);
        }
      }
      return List.copyOf(reached);
    }
    List<Destination> first = destinations(from, routingKeys, headers);
    if (!first.isEmpty() && queuesOnly(first)) {
      List<QueueNode<Q>> out = new ArrayList<>(first.size());
      for (Destination d : first) {
        QueueNode<Q> q = queues.get(d.name());
        if (q != null) {
          out.add(q);
        }
      }
      return out;
    }
    Set<String> visited = new LinkedHashSet<>();
    Set<QueueNode<Q>> reached = new LinkedHashSet<>();
    ArrayDeque<ExchangeNode<X>> work = new ArrayDeque<>();
    visited.add(from.name());
    List<Destination> ds = first;
    ExchangeNode<X> x = from;
    while (true) {
      if (ds.isEmpty()) {
        ExchangeNode<X> alternate = alternateOf(x);
        if (alternate != null && visited.add(alternate.name())) {
          work.add(alternate);
        }
      }
      for (Destination d : ds) {
        if (d.queue()) {
          QueueNode<Q> q = queues.get(d.name());
          if (q != null) {
            reached.add(q);
          }
        } else if (visited.add(d.name())) {
          ExchangeNode<X> next = exchanges.get(d.name());
          if (next != null) {
            work.add(next);
          }
        }
      }
      x = work.poll();
      if (x == null) {
        return List.copyOf(reached);
      }
      ds = destinations(x, routingKeys, headers);
    }
  }

  /** The destinations one exchange's bindings give for every routing key, each once, in order. */
  private static <X> List<Destination> destinations(ExchangeNode<X> x, List<String> routingKeys,
      Map<String, Object> headers) {
    if (routingKeys.size() == 1) {
      return x.bindings().route(routingKeys.get(0), headers);
    }
    Set<Destination> all = new LinkedHashSet<>();
    for (String key : routingKeys) {
      all.addAll(x.bindings().route(key, headers));
    }
    return List.copyOf(all);
  }

  private static boolean queuesOnly(List<Destination> ds) {
    for (Destination d : ds) {
      if (!d.queue()) {
        return false;
      }
    }
    return true;
  }

  /** The alternate exchange of {@code x} when it exists in this snapshot, else null. */
  private ExchangeNode<X> alternateOf(ExchangeNode<X> x) {
    String name = x.alternate();
    return name == null ? null : exchanges.get(name);
  }

  // ------------------------------------------------------------------------------------------- changes

  /** Adds an exchange, or replaces the node of the same name (keeping its bindings when {@code node} has none). */
  public RoutingSnapshot<X, Q> withExchange(ExchangeNode<X> node) {
    Map<String, ExchangeNode<X>> xs = new LinkedHashMap<>(exchanges);
    xs.put(node.name(), node);
    return new RoutingSnapshot<>(version + 1, Collections.unmodifiableMap(xs), queues);
  }

  /** Adds a queue, or replaces the node of the same name. */
  public RoutingSnapshot<X, Q> withQueue(QueueNode<Q> node) {
    Map<String, QueueNode<Q>> qs = new LinkedHashMap<>(queues);
    qs.put(node.name(), node);
    return new RoutingSnapshot<>(version + 1, exchanges, Collections.unmodifiableMap(qs));
  }

  /** Removes an exchange, every binding to it, and the auto-delete exchanges left without bindings. */
  public Change<X, Q> withoutExchange(String name) {
    if (!exchanges.containsKey(name)) {
      return unchanged();
    }
    Editor e = new Editor();
    e.removeExchange(name);
    return e.finish(queues);
  }

  /** Removes a queue, every binding to it, and the auto-delete exchanges left without bindings. */
  public Change<X, Q> withoutQueue(String name) {
    if (!queues.containsKey(name)) {
      return unchanged();
    }
    Map<String, QueueNode<Q>> qs = new LinkedHashMap<>(queues);
    qs.remove(name);
    Editor e = new Editor();
    e.removeDestinationEverywhere(Destination.queue(name));
    return e.finish(Collections.unmodifiableMap(qs));
  }

  /** Adds a binding to exchange {@code source}; unchanged when an equal binding exists (binding is idempotent). */
  public Change<X, Q> bind(String source, Binding<Destination> binding) {
    ExchangeNode<X> x = requireExchange(source);
    if (x.bindings().contains(binding)) {
      return unchanged();
    }
    BindingTable<Destination> table = x.bindings().copy();
    table.add(binding);
    Map<String, ExchangeNode<X>> xs = new LinkedHashMap<>(exchanges);
    xs.put(source, x.withBindings(table));
    return new Change<>(new RoutingSnapshot<>(version + 1, Collections.unmodifiableMap(xs), queues), true, List.of());
  }

  /** Removes a binding from exchange {@code source}; an auto-delete source left without bindings goes too. */
  public Change<X, Q> unbind(String source, Binding<Destination> binding) {
    ExchangeNode<X> x = requireExchange(source);
    if (!x.bindings().contains(binding)) {
      return unchanged();
    }
    Editor e = new Editor();
    BindingTable<Destination> table = x.bindings().copy();
    table.remove(binding);
    e.replace(x, table);
    return e.finish(queues);
  }

  private ExchangeNode<X> requireExchange(String name) {
    ExchangeNode<X> x = exchanges.get(name);
    if (x == null) {
      throw new IllegalArgumentException("no exchange '" + name + "' in this snapshot");
    }
    return x;
  }

  private Change<X, Q> unchanged() {
    return new Change<>(this, false, List.of());
  }

  /** A change in progress over a copy of the exchange map, applying the auto-delete cascade. */
  private final class Editor {
    final Map<String, ExchangeNode<X>> xs = new LinkedHashMap<>(exchanges);
    final List<ExchangeNode<X>> removed = new ArrayList<>();

    void removeExchange(String name) {
      ExchangeNode<X> gone = xs.remove(name);
      if (gone != null) {
        removed.add(gone);
        removeDestinationEverywhere(Destination.exchange(name));
      }
    }

    void removeDestinationEverywhere(Destination d) {
      for (String name : List.copyOf(xs.keySet())) {
        ExchangeNode<X> x = xs.get(name); // null when an earlier step of this change removed it
        if (x != null && x.bindings().hasDestination(d)) {
          BindingTable<Destination> table = x.bindings().copy();
          table.removeDestination(d);
          replace(x, table);
        }
      }
    }

    /** Installs the new table; an auto-delete exchange that just lost its last binding is removed. */
    void replace(ExchangeNode<X> x, BindingTable<Destination> table) {
      if (table.isEmpty() && x.spec().autoDelete()) {
        removeExchange(x.name());
      } else {
        xs.put(x.name(), x.withBindings(table));
      }
    }

    Change<X, Q> finish(Map<String, QueueNode<Q>> qs) {
      return new Change<>(new RoutingSnapshot<>(version + 1, Collections.unmodifiableMap(xs), qs), true,
          List.copyOf(removed));
    }
  }
}
