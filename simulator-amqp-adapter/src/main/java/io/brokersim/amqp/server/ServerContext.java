package io.brokersim.amqp.server;

import io.brokersim.core.LiveBroker;
import io.brokersim.core.profile.BrokerProfile;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** What every connection of one server shares: the broker, the settings, the alarm, the live connections. */
final class ServerContext {

  /** A live connection as the server sees it. */
  interface Connection {
    /** Closes the connection with 320 CONNECTION_FORCED (the server is shutting down). */
    void shutdown();

    /** Completes when the connection's stage has stopped. */
    CompletableFuture<Void> stopped();

    /** The most octets its outbound queue ever held. */
    long peakOutboundBytes();
  }

  final LiveBroker broker;
  final BrokerProfile profile;
  final WireRules rules;
  final ServerSettings settings;
  final SaslLogin login;
  final List<String> mechanisms;
  final MemoryAlarm alarm;
  /** The connections' clock (monotonic nanoseconds) for heartbeats and wire effects. */
  final java.util.function.LongSupplier clock = System::nanoTime;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

  ServerContext(LiveBroker broker, ServerSettings settings, MemoryAlarm alarm) {
    this.broker = broker;
    this.profile = broker.profile();
    this.rules = WireRules.of(profile);
    this.settings = settings;
    this.login = new SaslLogin(settings.users());
    this.mechanisms = Handshake.mechanisms(profile, settings);
    this.alarm = alarm;
  }

  void register(Connection c) {
    connections.add(c);
  }

  void unregister(Connection c) {
    connections.remove(c);
  }

  List<Connection> connections() {
    return List.copyOf(connections);
  }
}
