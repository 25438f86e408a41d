package io.brokersim.amqp.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.profile.BrokerProfile;

/** A live broker and its AMQP server on a free loopback port, for one test. */
final class TestServer implements AutoCloseable {

  final LiveBroker broker;
  final AmqpServer server;

  private TestServer(LiveBroker broker, AmqpServer server) {
    this.broker = broker;
    this.server = server;
  }

  static TestServer start(BrokerProfile profile) {
    return start(profile, "");
  }

  /** {@code settings}: HOCON inside {@code brokersim.server}. */
  static TestServer start(BrokerProfile profile, String settings) {
    LiveBroker broker = LiveBroker.builder().profile(profile).build();
    try {
      Config config = ConfigFactory.parseString("brokersim.server { port = 0\n" + settings + "\n}");
      return new TestServer(broker, AmqpServer.start(broker, config));
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
  }

  int port() {
    return server.address().getPort();
  }

  RawClient client() throws Exception {
    return RawClient.connect(port());
  }

  /** An in-process channel on the same broker, to look at queues from the inside. */
  SimChannel probe() {
    return broker.connect("probe").openChannel();
  }

  /** Polls until {@code check} holds, for at most 10 s. */
  static void await(String what, java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not within 10s: " + what);
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
