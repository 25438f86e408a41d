package io.brokersim.scenarios.junit;

import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.Messages;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A live broker served over TCP on a free loopback port, for tests with real AMQP clients. Injected by
 * {@link BrokersimServer}; or start one yourself with {@link #start}.
 */
public final class LiveServer implements AutoCloseable {

  /** How long {@link #eventually(Runnable)} retries by default. */
  public static final Duration EVENTUALLY = Duration.ofSeconds(10);
  /** How long the "nothing lost silently" check lets messages in flight arrive before it fails. */
  static final Duration SETTLE = Duration.ofSeconds(2);
  private static final long POLL_MILLIS = 20;

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
    return start(profile, faults, 0);
  }

  /** As {@link #start(BrokerProfile, FaultPlan)}, with the seed of generated names and seeded fault decisions. */
  public static LiveServer start(BrokerProfile profile, FaultPlan faults, long seed) {
    return start(profile, faults, seed, new String[0]);
  }

  /** As {@link #start(BrokerProfile, FaultPlan, long)}, with {@code vhosts} beside {@code /}. */
  public static LiveServer start(BrokerProfile profile, FaultPlan faults, long seed, String... vhosts) {
    LiveBroker broker = LiveBroker.builder().profile(profile).faults(faults).seed(seed).vhosts(vhosts)
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

  /** {@code amqp://guest:guest@127.0.0.1:PORT/VHOST}, the vhost URL-encoded as AMQP URIs want it. */
  public String amqpUri(String vhost) {
    return amqpUri() + "/" + java.net.URLEncoder.encode(vhost, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  public String host() {
    return server.address().getHostString();
  }

  public int port() {
    return server.address().getPort();
  }

  /**
   * Spring Boot's connection properties for this server ({@code spring.rabbitmq.host}, {@code port},
   * {@code username}, {@code password}, {@code virtual-host}), e.g. for a {@code @DynamicPropertySource}.
   */
  public Map<String, String> springRabbitProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spring.rabbitmq.host", host());
    p.put("spring.rabbitmq.port", String.valueOf(port()));
    p.put("spring.rabbitmq.username", "guest");
    p.put("spring.rabbitmq.password", "guest");
    p.put("spring.rabbitmq.virtual-host", "/");
    return p;
  }

  /** The broker behind the socket: its trace and fate ledger, in-process clients. */
  public LiveBroker broker() {
    return broker;
  }

  /**
   * The server's fault rules: {@code faults().arm(rule)} arms a rule for the next matching event and returns the
   * handle that disarms it; {@code replace} and {@code disarm} change armed rules (those of the annotation too).
   */
  public FaultInjector faults() {
    return broker.faults();
  }

  /**
   * The broker's view of every message so far, to narrow and assert on (see {@link Messages}); clients run on
   * their own threads, so wrap assertions about what they are still doing in {@link #eventually(Runnable)}.
   */
  public Messages messages() {
    return broker.messages();
  }

  /** Runs {@code assertion} until it passes, for up to {@link #EVENTUALLY}; then its last failure is thrown. */
  public void eventually(Runnable assertion) {
    eventually(EVENTUALLY, assertion);
  }

  /** Runs {@code assertion} until it passes, for up to {@code timeout}; then its last failure is thrown. */
  public void eventually(Duration timeout, Runnable assertion) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.run();
        return;
      } catch (AssertionError e) {
        if (System.nanoTime() - deadline >= 0) {
          throw e;
        }
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an assertion to pass", e);
      }
    }
  }

  /**
   * Checks the fate ledger against the queues (see {@code LiveBroker.assertNothingLostSilently}), giving messages
   * still in flight between the broker's actors up to two seconds to arrive; what is still wrong then is thrown.
   */
  public void assertNothingLostSilently() {
    eventually(SETTLE, broker::assertNothingLostSilently);
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
