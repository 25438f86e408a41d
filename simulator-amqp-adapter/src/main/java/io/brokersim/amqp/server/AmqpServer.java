package io.brokersim.amqp.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.profile.BrokerProfile;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.IgnoreComplete$;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.Tcp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP 0-9-1 TCP server: real clients (the RabbitMQ Java client, pika, PerfTest) connect to it and
 * drive a {@link LiveBroker}. One Pekko Streams TCP binding on the broker's actor system; one
 * connection stage per socket.
 *
 * <pre>{@code
 * try (LiveBroker broker = LiveBroker.builder().profile(BrokerProfile.RABBITMQ_4).build();
 *      AmqpServer server = AmqpServer.start(broker, ConfigFactory.parseString("brokersim.server.port = 0"))) {
 *   int port = server.address().getPort();   // connect clients to 127.0.0.1:port
 * }
 * }</pre>
 */
public final class AmqpServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AmqpServer.class);
  private static final long BIND_TIMEOUT_SECONDS = 10;

  private final ServerContext context;
  /** The plain listener, or null when the server listens with TLS only. */
  private final Tcp.ServerBinding binding;
  /** The TLS listener, or null. */
  private final Tcp.ServerBinding tlsBinding;
  private final TlsKeys tlsKeys;
  private boolean closed;

  private AmqpServer(ServerContext context, Tcp.ServerBinding binding, Tcp.ServerBinding tlsBinding, TlsKeys tlsKeys) {
    this.context = context;
    this.binding = binding;
    this.tlsBinding = tlsBinding;
    this.tlsKeys = tlsKeys;
  }

  /** Starts a server for {@code broker} with the settings under {@code brokersim.server} in {@code config}. */
  public static AmqpServer start(LiveBroker broker, Config config) {
    return builder(broker).config(config).start();
  }

  public static Builder builder(LiveBroker broker) {
    return new Builder(broker);
  }

  /**
   * The address the server listens on, with the real port when port 0 was asked for: the plain listener's, or the
   * TLS listener's when there is no plain one.
   */
  public InetSocketAddress address() {
    return binding != null ? binding.localAddress() : tlsBinding.localAddress();
  }

  /** The TLS (amqps) listener's address, if the server has one. */
  public Optional<InetSocketAddress> tlsAddress() {
    return Optional.ofNullable(tlsBinding).map(Tcp.ServerBinding::localAddress);
  }

  /** Whether the server has a plain (non-TLS) listener. */
  public boolean plainListener() {
    return binding != null;
  }

  /** The TLS key material (where it came from, the generated CA's files), if the server has a TLS listener. */
  public Optional<TlsKeys> tlsKeys() {
    return Optional.ofNullable(tlsKeys);
  }

  /** The brokersim version (connection.start's {@code brokersim} property). */
  public static String version() {
    return Handshake.VERSION;
  }

  /** The product a profile presents itself as to clients ({@code RabbitMQ} or {@code LavinMQ}). */
  public static String product(BrokerProfile profile) {
    return Handshake.product(profile);
  }

  /**
   * The release of the modelled broker that clients see (connection.start's {@code version}), e.g. 3.13.7 for
   * {@code rabbitmq-3}: clients and management tools gate features on it.
   */
  public static String productVersion(BrokerProfile profile) {
    return Handshake.productVersion(profile);
  }

  public ServerSettings settings() {
    return context.settings;
  }

  public BrokerProfile profile() {
    return context.profile;
  }

  /** Connections whose socket is open now, in any phase. */
  public int connectionCount() {
    return context.connections().size();
  }

  /** The most octets any live connection's outbound queue has held (tests check backpressure with it). */
  long peakOutboundBytes() {
    long max = 0;
    for (ServerContext.Connection c : context.connections()) {
      max = Math.max(max, c.peakOutboundBytes());
    }
    return max;
  }

  /**
   * Stops listening, closes every connection with 320 CONNECTION_FORCED and waits up to
   * {@code shutdown-timeout} for their close handshakes. The broker stays up (close it afterwards).
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long deadline = System.nanoTime() + context.settings.shutdownTimeout().toNanos();
    for (Tcp.ServerBinding b : new Tcp.ServerBinding[] {binding, tlsBinding}) {
      if (b != null) {
        unbind(b);
      }
    }
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (ServerContext.Connection c : context.connections()) {
      c.shutdown();
      stopping.add(c.stopped());
    }
    try {
      long left = Math.max(0, deadline - System.nanoTime());
      CompletableFuture.allOf(stopping.toArray(new CompletableFuture<?>[0])).get(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("{} connection(s) still open after {}", connectionCount(), context.settings.shutdownTimeout());
    }
    context.alarm.close();
    log.info("brokersim AMQP server on {} stopped", address());
  }

  private static void unbind(Tcp.ServerBinding b) {
    try {
      b.unbind().toCompletableFuture().get(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("unbinding {} failed: {}", b.localAddress(), e.toString());
    }
  }

  /**
   * Runs one connection's stage; the result completes, never exceptionally, when its handshake is over
   * (open-ok sent, or the connection gone).
   */
  private static CompletionStage<Void> handle(ServerContext context, Tcp.IncomingConnection connection,
      Materializer materializer) {
    CompletableFuture<Void> handshakeOver = new CompletableFuture<>();
    try {
      connection.handleWith(Flow.fromGraph(new ConnectionStage(context, connection.remoteAddress(),
          connection.localAddress(), handshakeOver)),
          materializer);
    } catch (RuntimeException e) {
      log.warn("cannot serve the connection from {}: {}", connection.remoteAddress(), e.toString());
      handshakeOver.complete(null);
    }
    return handshakeOver;
  }

  /** Options of a server. */
  public static final class Builder {
    private final LiveBroker broker;
    private Config config = ConfigFactory.empty();
    private Integer port;
    private Integer tlsPort;
    private MemoryAlarm.Gauge memoryGauge = new MemoryAlarm.LiveHeap();

    private Builder(LiveBroker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** Configuration holding {@code brokersim.server} (merged over the reference defaults). */
    public Builder config(Config value) {
      config = Objects.requireNonNull(value);
      return this;
    }

    /** Overrides {@code brokersim.server.tls.port}; 0 picks a free port. */
    public Builder tlsPort(int value) {
      tlsPort = value;
      return this;
    }

    /** Overrides {@code brokersim.server.port}; 0 picks a free port. */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /**
     * What the memory alarm measures, in octets (default: the JVM heap in use after the latest full
     * collection); it compares the value with {@code memory-high-watermark} x the maximum heap. A gauge
     * given here is taken as it is: the server forces no collections for it.
     */
    public Builder memoryGauge(LongSupplier usedBytes) {
      memoryGauge = MemoryAlarm.Gauge.of(Objects.requireNonNull(usedBytes));
      return this;
    }

    /** Binds the port and starts accepting connections; throws IllegalStateException if it cannot bind. */
    public AmqpServer start() {
      ServerSettings settings = ServerSettings.from(config, broker.profile(), broker.vhostNames());
      if (port != null) {
        settings = settings.withPort(port);
      }
      TlsSettings tls = TlsSettings.from(config);
      if (tlsPort != null) {
        tls = tls.withPort(tlsPort);
      }
      ActorSystem<?> system = broker.system();
      Materializer materializer = Materializer.matFromSystem(system);
      MemoryAlarm alarm = MemoryAlarm.start(system, memoryGauge, settings.memoryHighWatermark(),
          settings.memoryCheckInterval(), settings.memoryGcInterval());
      ServerContext context = new ServerContext(broker, settings, alarm);
      Tcp tcp = Tcp.get(system);
      Tcp.ServerBinding plain = null;
      Tcp.ServerBinding secure = null;
      TlsKeys keys = null;
      try {
        if (tls.plain()) {
          plain = bind(settings.host(), settings.port(), tcp.bind(settings.host(), settings.port(), settings.backlog(),
              List.of(), false, Optional.empty()), settings, context, materializer);
        }
        if (tls.enabled()) {
          keys = TlsKeys.load(tls, settings.host());
          SSLContext ssl = keys.context();
          // Pekko Streams TLS around the same connection flow: the stage sees plain AMQP octets. The client's
          // end of the encrypted stream does not end ours (Pekko's default, IgnoreComplete), so the server
          // still sends what it owes a half-closed client, as on the plain listener.
          secure = bind(settings.host(), tls.port(), tcp.bindWithTls(settings.host(), tls.port(), () -> {
            SSLEngine engine = ssl.createSSLEngine();
            engine.setUseClientMode(false);
            return engine;
          }, settings.backlog(), List.of(), Optional.empty(), session -> Optional.empty(), IgnoreComplete$.MODULE$),
              settings, context, materializer);
        }
      } catch (RuntimeException e) {
        if (plain != null) {
          unbind(plain);
        }
        alarm.close();
        throw e;
      }
      if (secure != null) {
        log.info("brokersim AMQP server listening with TLS on {}: {}", secure.localAddress(), keys.description());
      }
      if (plain == null) {
        log.info("brokersim AMQP server listening with TLS only (profile {})", broker.profile().name());
        return new AmqpServer(context, null, secure, keys);
      }
      Tcp.ServerBinding binding = plain;
      log.info("brokersim AMQP server listening on {} (profile {})", binding.localAddress(), broker.profile().name());
      return new AmqpServer(context, binding, secure, keys);
    }

    /**
     * Runs a listener's connections (handshake pacing: a connection is accepted only while fewer than
     * max-concurrent-handshakes are between accept and open-ok; the rest wait, already connected, in the listen
     * backlog) and waits for its binding.
     */
    private static Tcp.ServerBinding bind(String host, int port,
        Source<Tcp.IncomingConnection, CompletionStage<Tcp.ServerBinding>> connections, ServerSettings settings,
        ServerContext context, Materializer materializer) {
      CompletionStage<Tcp.ServerBinding> bound = connections
          .mapAsyncUnordered(settings.maxConcurrentHandshakes(), connection -> handle(context, connection,
              materializer))
          .toMat(Sink.ignore(), Keep.left())
          .run(materializer);
      try {
        return bound.toCompletableFuture().get(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while binding " + host + ":" + port, e);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
      }
    }
  }
}
