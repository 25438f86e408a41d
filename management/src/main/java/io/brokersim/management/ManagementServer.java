package io.brokersim.management;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.amqp.server.ServerSettings;
import io.brokersim.core.LiveBroker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.settings.ServerSettings.Timeouts;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP server of a running {@link LiveBroker}: a RabbitMQ-compatible subset of the management API
 * under {@code /api}, brokersim's own endpoints under {@code /api/brokersim}, and the web console at {@code /}
 * (static files from this jar, no network needed). Basic auth with the AMQP server's users on {@code /api}.
 *
 * <pre>{@code
 * try (LiveBroker broker = LiveBroker.builder().build();
 *      AmqpServer amqp = AmqpServer.start(broker, config);
 *      ManagementServer http = ManagementServer.builder(broker).amqp(amqp).port(0).start()) {
 *   URI console = URI.create("http://127.0.0.1:" + http.address().getPort() + "/");
 * }
 * }</pre>
 */
public final class ManagementServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
  private static final long BIND_TIMEOUT_SECONDS = 10;
  private static final String CONSOLE = "io/brokersim/management/console/";
  /** The console's files: name, content type. */
  private static final Map<String, ContentType> ASSETS = Map.of(
      "index.html", ContentTypes.TEXT_HTML_UTF8,
      "console.js", ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, org.apache.pekko.http.javadsl.model
          .HttpCharsets.UTF_8),
      "console.css", ContentTypes.create(MediaTypes.TEXT_CSS, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8));

  private final ServerBinding binding;
  private final EventStream events;
  private final LiveBroker broker;
  private final ThreadPoolExecutor scenarioRunner;
  private boolean closed;

  private ManagementServer(ServerBinding binding, EventStream events, LiveBroker broker,
      ThreadPoolExecutor scenarioRunner) {
    this.binding = binding;
    this.events = events;
    this.broker = broker;
    this.scenarioRunner = scenarioRunner;
  }

  public static Builder builder(LiveBroker broker) {
    return new Builder(broker);
  }

  /** The address the server listens on, with the real port when port 0 was asked for. */
  public InetSocketAddress address() {
    return binding.localAddress();
  }

  /** Stops listening, ends open event streams and waits (up to five seconds) for requests in progress. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    events.close();
    try {
      binding.terminate(java.time.Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("stopping the management server on {} failed: {}", address(), e.toString());
    }
    scenarioRunner.shutdownNow();
    log.info("brokersim management server on {} stopped", address());
  }

  /** Options of a management server. */
  public static final class Builder {
    private final LiveBroker broker;
    private AmqpServer amqp;
    private Config config = ConfigFactory.empty();
    private Integer port;

    private Builder(LiveBroker broker) {
      this.broker = Objects.requireNonNull(broker, "broker");
    }

    /** The AMQP server in front of the broker: its users log in, and {@code /api/overview} lists its listener. */
    public Builder amqp(AmqpServer value) {
      amqp = Objects.requireNonNull(value);
      return this;
    }

    /** Configuration holding {@code brokersim.management} (and {@code brokersim.server.users} without an AMQP server). */
    public Builder config(Config value) {
      config = Objects.requireNonNull(value);
      return this;
    }

    /** Overrides {@code brokersim.management.port}; 0 picks a free port. */
    public Builder port(int value) {
      port = value;
      return this;
    }

    /** Binds the port and starts serving; throws IllegalStateException if it cannot bind. */
    public ManagementServer start() {
      ManagementSettings settings = ManagementSettings.from(config);
      if (port != null) {
        settings = settings.withPort(port);
      }
      List<ServerSettings.User> users = amqp != null ? amqp.settings().users()
          : ServerSettings.from(config, broker.profile(), broker.vhostNames()).users();
      EventStream events = new EventStream(settings.eventsBuffer(), settings.eventsReplayed());
      broker.trace().addSink(events);
      Materializer materializer = Materializer.matFromSystem(broker.system());
      ThreadPoolExecutor runner = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(8),
          r -> {
            Thread t = new Thread(r, "brokersim-scenario-runner");
            t.setDaemon(true);
            return t;
          });
      Operator operator = new Operator(broker, settings.inspectTimeout());
      AtomicInteger boundPort = new AtomicInteger(settings.port());
      Router router = new Router(new BasicAuth(users),
          new RabbitApi(operator, broker.profile(), new OverviewDocument(broker, amqp, boundPort)),
          new BrokersimApi(broker, operator, events, settings, materializer, runner));
      var serverSettings = org.apache.pekko.http.javadsl.settings.ServerSettings.create(broker.system().classicSystem())
          .withRemoteAddressAttribute(true);
      // Event streams stay open for as long as a page does; keep-alive comments keep them from idling.
      Timeouts timeouts = serverSettings.getTimeouts().withIdleTimeout(
          scala.concurrent.duration.FiniteDuration.create(settings.eventsKeepAlive().toMillis() * 4, TimeUnit.MILLISECONDS));
      serverSettings = serverSettings.withTimeouts(timeouts);
      CompletionStage<ServerBinding> bound = Http.get(broker.system()).newServerAt(settings.host(), settings.port())
          .withSettings(serverSettings).bind(router::handle);
      ServerBinding binding;
      try {
        binding = bound.toCompletableFuture().get(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        runner.shutdownNow();
        throw new IllegalStateException("interrupted while binding " + settings.host() + ":" + settings.port(), e);
      } catch (ExecutionException | TimeoutException e) {
        runner.shutdownNow();
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        throw new IllegalStateException("cannot listen on " + settings.host() + ":" + settings.port() + ": "
            + cause.getMessage(), cause);
      }
      boundPort.set(binding.localAddress().getPort());
      log.info("brokersim management server listening on {}", binding.localAddress());
      return new ManagementServer(binding, events, broker, runner);
    }
  }

  /** Sends {@code /api/brokersim/...}, {@code /api/...} (after basic auth) and the console's files on. */
  private record Router(BasicAuth auth, RabbitApi rabbit, BrokersimApi brokersim) {

    CompletionStage<HttpResponse> handle(HttpRequest request) {
      Api.Call call = Api.Call.of(request);
      try {
        if (call.size() == 0 || (call.size() == 1 && ASSETS.containsKey(call.at(0)))) {
          return Api.done(asset(call));
        }
        if (!call.at(0).equals("api")) {
          return Api.done(Api.notFound());
        }
        InetAddress client = request.getAttribute(AttributeKeys.remoteAddress)
            .flatMap(RemoteAddress::getAddress).orElse(null);
        BasicAuth.Result login = auth.check(call.header("Authorization"), client);
        if (login instanceof BasicAuth.Refused refused) {
          return Api.done(refused.response());
        }
        String user = ((BasicAuth.LoggedIn) login).user();
        CompletionStage<HttpResponse> answer = call.size() >= 2 && call.at(1).equals("brokersim")
            ? brokersim.handle(call) : rabbit.handle(call, user);
        return answer.exceptionally(ManagementServer::failure);
      } catch (RuntimeException e) {
        return Api.done(failure(e));
      }
    }
  }

  /** A request the broker could not answer: 500 with the reason (a time-out while the broker is very busy). */
  private static HttpResponse failure(Throwable e) {
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof TimeoutException) {
      return Api.error(503, "service_unavailable", "the broker did not answer in time");
    }
    log.warn("management request failed", cause);
    return Api.error(500, "internal_server_error", String.valueOf(cause.getMessage()));
  }

  private static HttpResponse asset(Api.Call call) {
    if (!call.isGet()) {
      return Api.methodNotAllowed("GET", "HEAD");
    }
    String name = call.size() == 0 ? "index.html" : call.at(0);
    try (InputStream in = ManagementServer.class.getClassLoader().getResourceAsStream(CONSOLE + name)) {
      if (in == null) {
        return Api.notFound();
      }
      return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(ASSETS.get(name), in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code GET /api/overview}: RabbitMQ's fields that brokersim can fill, and a {@code brokersim} section. */
  private record OverviewDocument(LiveBroker broker, AmqpServer amqp, AtomicInteger port)
      implements RabbitApi.Overview {

    private static final String VERSION = AmqpServer.version();

    @Override
    public Map<String, Object> document(RabbitViews view) {
      String node = "brokersim@" + broker.profile().name();
      Map<String, Object> o = Json.object();
      // The modelled broker's name and release, as connection.start reports them: tools gate features on them.
      String release = AmqpServer.productVersion(broker.profile());
      o.put("management_version", release);
      o.put("rabbitmq_version", release);
      o.put("product_name", AmqpServer.product(broker.profile()));
      o.put("product_version", release);
      o.put("cluster_name", node);
      o.put("node", node);
      o.put("rates_mode", "none");
      o.put("statistics_level", "none");
      o.put("exchange_types", List.of("direct", "fanout", "topic", "headers").stream().map(t -> {
        Map<String, Object> x = Json.object();
        x.put("name", t);
        x.put("description", "AMQP " + t + " exchange, as routed by the " + broker.profile().name() + " profile");
        x.put("enabled", true);
        return x;
      }).toList());
      o.put("object_totals", view.objectTotals());
      o.put("queue_totals", view.queueTotals());
      if (amqp != null) {
        Map<String, Object> listener = Json.object();
        listener.put("node", node);
        listener.put("protocol", "amqp");
        listener.put("ip_address", amqp.address().getAddress().getHostAddress());
        listener.put("port", amqp.address().getPort());
        List<Map<String, Object>> listeners = new java.util.ArrayList<>();
        if (amqp.plainListener()) {
          listeners.add(listener);
        }
        amqp.tlsAddress().ifPresent(tls -> {
          // RabbitMQ names its TLS listener's protocol amqp/ssl.
          Map<String, Object> secure = Json.object();
          secure.put("node", node);
          secure.put("protocol", "amqp/ssl");
          secure.put("ip_address", tls.getAddress().getHostAddress());
          secure.put("port", tls.getPort());
          listeners.add(secure);
        });
        o.put("listeners", listeners);
      } else {
        o.put("listeners", List.of());
      }
      Map<String, Object> context = Json.object();
      context.put("node", node);
      context.put("description", "brokersim management");
      context.put("path", "/");
      context.put("port", String.valueOf(port.get()));
      o.put("contexts", List.of(context));
      Map<String, Object> sim = Json.object();
      sim.put("version", VERSION);
      sim.put("profile", broker.profile().name());
      sim.put("seed", broker.seed());
      sim.put("fault_rules", broker.faults().rules().size());
      sim.put("ledger", broker.ledger() == null ? null : broker.ledger().size());
      sim.put("complete", view.all().stream().allMatch(v -> v.view().complete()));
      sim.put("vhosts", view.all().stream().map(v -> v.view().vhost()).toList());
      o.put("brokersim", sim);
      return o;
    }
  }
}
