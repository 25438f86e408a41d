package io.brokersim.core.actor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The virtual hosts of one broker, shared by all of them: their actors by name (the default vhost first, then
 * the others in configuration order) and the one counter that numbers connections broker-wide, so a
 * connection's id ({@code conn-N}), and every channel and message id derived from it, is unique across vhosts.
 * Filled once by the guardian when it starts; read by the front doors from any thread.
 */
public final class Vhosts {
  private final AtomicLong connections = new AtomicLong();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private volatile Map<String, ActorRef<VhostActor.Command>> byName = Map.of();

  /** The next connection id, {@code conn-1} first. */
  String nextConnectionId() {
    return "conn-" + connections.incrementAndGet();
  }

  /** Called once by the guardian with every vhost's actor. */
  void register(Map<String, ActorRef<VhostActor.Command>> all) {
    byName = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(all));
    ready.complete(null);
  }

  /** Completes once every vhost's actor exists. */
  public CompletionStage<Void> ready() {
    return ready;
  }

  /** The actor of vhost {@code name}, if the broker has one by that name. */
  public Optional<ActorRef<VhostActor.Command>> get(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every vhost's name, the default first. */
  public List<String> names() {
    return new ArrayList<>(byName.keySet());
  }

  /** Every vhost's actor, the default first. */
  public List<ActorRef<VhostActor.Command>> actors() {
    return new ArrayList<>(byName.values());
  }
}
