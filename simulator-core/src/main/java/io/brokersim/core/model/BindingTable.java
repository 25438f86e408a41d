package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bindings of one exchange and the routing rule of its type: which destinations a published message reaches.
 *
 * <p>Rules: direct matches the routing key exactly; fanout reaches every destination; topic matches words with
 * {@code *} and {@code #} (see {@link TopicTrie}); headers matches the message headers against the binding
 * arguments (see {@link HeadersMatch}). Bindings are compiled when added, so {@link #route} neither parses a
 * binding nor builds a pattern.
 *
 * <p>Order: {@link #route} lists each destination once, in the insertion order of the first binding that
 * matched it, so a run replays identically. Re-adding a removed binding puts it last.
 *
 * <p>A table is built by one owner, then {@linkplain #seal() sealed} and published (in a routing snapshot):
 * a sealed table never changes, so any number of threads may route against it; changes go to a
 * {@linkplain #copy() copy}. An unsealed table is not thread-safe.
 */
public final class BindingTable<D> {
  private static final Comparator<Entry<?>> BY_SEQUENCE = Comparator.comparingLong(e -> e.sequence);

  private final ExchangeType type;
  private final LinkedHashMap<Binding<D>, Entry<D>> entries = new LinkedHashMap<>();
  private final HashMap<String, List<Entry<D>>> byKey = new HashMap<>();
  private final TopicTrie<Entry<D>> trie = new TopicTrie<>();
  private List<D> everyDestination;
  private long nextSequence;
  private boolean sealed;

  private BindingTable(ExchangeType type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  /** An empty table for an exchange of this type. */
  public static <D> BindingTable<D> create(ExchangeType type) {
    return new BindingTable<>(type);
  }

  /**
   * Why RabbitMQ refuses these arguments on a headers-exchange binding (the caller replies 406
   * PRECONDITION_FAILED with this text), or empty when they are accepted.
   */
  public static Optional<String> validateHeadersBindingArgs(Map<String, Object> args) {
    return HeadersMatch.validate(args);
  }

  /** The exchange type whose rule this table applies. */
  public ExchangeType type() {
    return type;
  }

  /**
   * An unsealed copy with the same bindings, sequences and routing results, for the next version of a
   * published table.
   */
  public BindingTable<D> copy() {
    BindingTable<D> t = new BindingTable<>(type);
    for (Entry<D> e : entries.values()) {
      t.put(new Entry<>(e.binding, e.sequence, e.headersMatch));
    }
    t.nextSequence = nextSequence;
    return t;
  }

  /** Makes this table read-only (and safe to share between threads); later changes throw. */
  public void seal() {
    if (!sealed) {
      if (type == ExchangeType.FANOUT) {
        everyDestination = destinations(entries.values());
      }
      sealed = true;
    }
  }

  private void checkOpen() {
    if (sealed) {
      throw new IllegalStateException("a sealed binding table cannot change: change a copy()");
    }
  }

  /** Adds a binding; false when an equal one (destination, key, arguments) exists, as binding is idempotent. */
  public boolean add(Binding<D> binding) {
    Objects.requireNonNull(binding, "binding");
    checkOpen();
    if (entries.containsKey(binding)) {
      return false;
    }
    HeadersMatch match = type == ExchangeType.HEADERS ? HeadersMatch.compile(binding.arguments()) : null;
    put(new Entry<>(binding, nextSequence++, match));
    return true;
  }

  private void put(Entry<D> entry) {
    Binding<D> binding = entry.binding;
    entries.put(binding, entry);
    switch (type) {
      case DIRECT -> byKey.computeIfAbsent(binding.routingKey(), k -> new ArrayList<>(1)).add(entry);
      case TOPIC -> trie.add(binding.routingKey(), entry);
      case FANOUT -> everyDestination = null;
      case HEADERS -> {}
    }
  }

  /** Removes a binding; false when there was no equal one. */
  public boolean remove(Binding<D> binding) {
    checkOpen();
    Entry<D> entry = entries.remove(binding);
    if (entry == null) {
      return false;
    }
    forget(entry);
    return true;
  }

  /** Removes every binding to a destination (its queue or exchange was deleted) and says how many there were. */
  public int removeDestination(D destination) {
    checkOpen();
    int removed = 0;
    for (Iterator<Entry<D>> it = entries.values().iterator(); it.hasNext(); ) {
      Entry<D> entry = it.next();
      if (entry.binding.destination().equals(destination)) {
        it.remove();
        forget(entry);
        removed++;
      }
    }
    return removed;
  }

  /** True when some binding points at {@code destination}. */
  public boolean hasDestination(D destination) {
    for (Binding<D> b : entries.keySet()) {
      if (b.destination().equals(destination)) {
        return true;
      }
    }
    return false;
  }

  /** True when an equal binding exists. */
  public boolean contains(Binding<D> binding) {
    return entries.containsKey(binding);
  }

  /** True when the exchange has no bindings (relevant to auto-delete). */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The number of bindings. */
  public int size() {
    return entries.size();
  }

  /** The bindings in insertion order. */
  public List<Binding<D>> bindings() {
    return List.copyOf(entries.keySet());
  }

  /**
   * The destinations a message with this routing key and these headers ({@code null} = none) reaches, each once,
   * in the insertion order of its first matching binding. An empty list means unroutable, which is not an error.
   */
  public List<D> route(String routingKey, Map<String, Object> headers) {
    Objects.requireNonNull(routingKey, "routingKey");
    switch (type) {
      case DIRECT: {
        List<Entry<D>> bound = byKey.get(routingKey);
        return bound == null ? List.of() : destinations(bound);
      }
      case FANOUT: {
        if (everyDestination == null) {
          everyDestination = destinations(entries.values());
        }
        return everyDestination;
      }
      case TOPIC: {
        List<Entry<D>> matched = new ArrayList<>();
        trie.match(routingKey, matched);
        if (matched.size() > 1) {
          matched.sort(BY_SEQUENCE);
        }
        return destinations(matched);
      }
      case HEADERS: {
        List<Entry<D>> matched = new ArrayList<>();
        for (Entry<D> entry : entries.values()) {
          if (entry.headersMatch.matches(headers)) {
            matched.add(entry);
          }
        }
        return destinations(matched);
      }
      default:
        throw new AssertionError(type);
    }
  }

  private void forget(Entry<D> entry) {
    switch (type) {
      case DIRECT -> {
        List<Entry<D>> bound = byKey.get(entry.binding.routingKey());
        bound.remove(entry);
        if (bound.isEmpty()) {
          byKey.remove(entry.binding.routingKey());
        }
      }
      case TOPIC -> trie.remove(entry.binding.routingKey(), entry);
      case FANOUT -> everyDestination = null;
      case HEADERS -> {}
    }
  }

  /** Destinations of entries already in sequence order, first occurrence kept. */
  private static <D> List<D> destinations(Iterable<Entry<D>> matched) {
    Iterator<Entry<D>> it = matched.iterator();
    if (!it.hasNext()) {
      return List.of();
    }
    D first = it.next().binding.destination();
    if (!it.hasNext()) {
      return List.of(first);
    }
    LinkedHashSet<D> unique = new LinkedHashSet<>();
    unique.add(first);
    while (it.hasNext()) {
      unique.add(it.next().binding.destination());
    }
    return List.copyOf(unique);
  }

  /** A binding with its insertion sequence and, for headers exchanges, its compiled rule. Identity equality. */
  private static final class Entry<D> {
    final Binding<D> binding;
    final long sequence;
    final HeadersMatch headersMatch;

    Entry(Binding<D> binding, long sequence, HeadersMatch headersMatch) {
      this.binding = binding;
      this.sequence = sequence;
      this.headersMatch = headersMatch;
    }
  }
}
