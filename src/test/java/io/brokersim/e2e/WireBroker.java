package io.brokersim.e2e;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.profile.BrokerProfile;
import java.util.function.LongSupplier;

/** A live broker served over TCP on a free loopback port, for one test. */
final class WireBroker implements AutoCloseable {

  final LiveBroker broker;
  final AmqpServer server;

  private WireBroker(LiveBroker broker, AmqpServer server) {
    this.broker = broker;
    this.server = server;
  }

  static WireBroker start(BrokerProfile profile) {
    return start(profile, ConfigFactory.empty());
  }

  static WireBroker start(BrokerProfile profile, Config extra) {
    return start(profile, extra, null);
  }

  /** Pekko logs through slf4j, as under {@code serve}, so that {@link LogCapture} sees its errors too. */
  private static final Config PEKKO_LOGS_TO_SLF4J = ConfigFactory.parseString("""
      pekko.loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
      pekko.logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
      pekko.log-dead-letters-during-shutdown = off
      """);

  /** A server whose memory alarm reads {@code memoryGauge} (null: the JVM heap). */
  static WireBroker start(BrokerProfile profile, Config extra, LongSupplier memoryGauge) {
    return start(LiveBroker.builder().profile(profile).config(PEKKO_LOGS_TO_SLF4J).build(), extra, memoryGauge);
  }

  /** A server over a broker configured with {@code brokerConfig} (e.g. {@code brokersim.consumer-timeout}). */
  static WireBroker withBrokerConfig(BrokerProfile profile, String brokerConfig) {
    return start(LiveBroker.builder().profile(profile)
        .config(ConfigFactory.parseString(brokerConfig).withFallback(PEKKO_LOGS_TO_SLF4J)).build(),
        ConfigFactory.empty(), null);
  }

  /** A server over a broker with {@code moreVhosts} beside "/", with server settings {@code serverConfig}. */
  static WireBroker withVhosts(BrokerProfile profile, String serverConfig, String... moreVhosts) {
    return start(LiveBroker.builder().profile(profile).vhosts(moreVhosts).config(PEKKO_LOGS_TO_SLF4J).build(),
        ConfigFactory.parseString(serverConfig), null);
  }

  /** A server whose generated names come from {@code seed} (predictable, as {@code serve --seed}). */
  static WireBroker startSeeded(BrokerProfile profile, long seed) {
    return startSeeded(profile, seed, ConfigFactory.empty());
  }

  /** As above, with server settings {@code extra} (e.g. {@code brokersim.server.close-timeout}). */
  static WireBroker startSeeded(BrokerProfile profile, long seed, Config extra) {
    return start(LiveBroker.builder().profile(profile).seed(seed).config(PEKKO_LOGS_TO_SLF4J).build(), extra, null);
  }

  private static WireBroker start(LiveBroker broker, Config extra, LongSupplier memoryGauge) {
    try {
      Config config = extra.withFallback(ConfigFactory.parseString("brokersim.server { port = 0, host = \"127.0.0.1\" }"));
      AmqpServer.Builder server = AmqpServer.builder(broker).config(config);
      if (memoryGauge != null) {
        server.memoryGauge(memoryGauge);
      }
      return new WireBroker(broker, server.start());
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  int port() {
    return server.address().getPort();
  }

  /** A Java client factory for this server, with short timeouts so a hung test fails fast. */
  ConnectionFactory factory() {
    ConnectionFactory f = new ConnectionFactory();
    f.setHost("127.0.0.1");
    f.setPort(port());
    f.setConnectionTimeout(5_000);
    f.setHandshakeTimeout(5_000);
    f.setChannelRpcTimeout(10_000);
    f.setShutdownTimeout(2_000);
    f.setAutomaticRecoveryEnabled(false);
    return f;
  }

  Connection connect(String name) throws Exception {
    return factory().newConnection(name);
  }

  /**
   * Closes every connection, then checks the fate ledger: each message the clients published was
   * acknowledged, returned, dropped for a recorded reason, or is still in a queue.
   */
  @Override
  public void close() {
    try {
      server.close();
      broker.assertNothingLostSilently();
    } finally {
      broker.close();
    }
  }
}
