package io.brokersim.scenarios.junit;

import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import com.typesafe.config.ConfigFactory;
import java.net.InetSocketAddress;

/**
 * A live broker served over TCP on a free loopback port, for tests with real AMQP clients. Injected by
 * {@link BrokersimServer}; or start one yourself with {@link #start}.
 */
public final class LiveServer implements AutoCloseable {
  private final LiveBroker broker;
  private final AmqpServer server;

  private LiveServer(LiveBroker broker, AmqpServer server) {
    this.broker = broker;
    this.server = server;
  }

  /**
   * Messages to the actors of a connection a client has just closed are dead letters in every normal test; Pekko
   * would log each one (at INFO, through the test's logging backend) as if something had gone wrong.
   */
  private static final String QUIET_DEAD_LETTERS =
      "pekko { log-dead-letters = off, log-dead-letters-during-shutdown = off }";

  /** Starts a broker with {@code profile} and {@code faults} and serves it on 127.0.0.1, a free port. */
  public static LiveServer start(BrokerProfile profile, FaultPlan faults) {
    LiveBroker broker = LiveBroker.builder().profile(profile).faults(faults)
        .config(ConfigFactory.parseString(QUIET_DEAD_LETTERS)).build();
    try {
      AmqpServer server = AmqpServer.start(broker, ConfigFactory.parseString(
          "brokersim.server { host = \"127.0.0.1\", port = 0 }").withFallback(ConfigFactory.load()));
      return new LiveServer(broker, server);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  /** {@code amqp://guest:guest@127.0.0.1:PORT}: what real clients connect to. */
  public String amqpUri() {
    InetSocketAddress a = server.address();
    return "amqp://guest:guest@" + a.getHostString() + ":" + a.getPort();
  }

  public int port() {
    return server.address().getPort();
  }

  /** The broker behind the socket: its trace and fate ledger, in-process clients. */
  public LiveBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      broker.close();
    }
  }
}
