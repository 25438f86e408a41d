package io.brokersim.scenarios.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.brokersim.amqp.server.AmqpServer;
import io.brokersim.core.LiveBroker;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.JsonLinesSink;
import io.brokersim.management.ManagementServer;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brokersim serve}: the simulated broker over AMQP 0-9-1 TCP, for real clients. Prints one line,
 * {@code brokersim listening on amqp://HOST:PORT (profile P)}, once it accepts connections (and with
 * {@code --http-port} a second one, {@code brokersim management on http://HOST:PORT/}); SIGINT or SIGTERM closes
 * every connection (320 CONNECTION_FORCED) and stops. It keeps a fate ledger with a window of settled messages
 * ({@code brokersim.serve.settled-messages-kept}), logs each fault that fires, can write the trace
 * ({@code --trace}) and logs a summary of fates when it stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the simulated broker over AMQP 0-9-1 TCP to real clients (RabbitMQ Java client, pika,"
        + " PerfTest).",
        "Prints 'brokersim listening on amqp://HOST:PORT (profile P)' when ready (with --tls, then the amqps:// line"
            + " and 'brokersim TLS: ...' with the certificate's fingerprint; with --http-port, then"
            + " 'brokersim management on http://HOST:PORT/'); logs go to stderr: one line per fault fired, and a"
            + " summary of every message's fate when it stops.",
        "Stop it with Ctrl-C or SIGTERM (a second one stops it at once). Exit status: 0 after a clean stop,"
            + " 1 if the port cannot be bound, 2 for bad usage."})
final class ServeCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

  /**
   * Defaults for a long-running server, under the reference configuration and any --config file: Pekko
   * logs through slf4j (to stderr, see {@link #logToStderr}) instead of printing to stdout. Messages to the
   * actors of a connection that has just closed are dead letters in every normal run, so they are not logged.
   */
  private static final String SERVE_DEFAULTS = """
      pekko {
        loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
        logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
        loglevel = INFO
        log-dead-letters = off
        log-dead-letters-during-shutdown = off
      }
      """;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--host", paramLabel = "HOST",
      description = "Interface to listen on (default ${DEFAULT-VALUE}; overrides brokersim.server.host).",
      defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", paramLabel = "PORT",
      description = "TCP port; 0 picks a free one (default ${DEFAULT-VALUE}; overrides brokersim.server.port).",
      defaultValue = "5672")
  int port;

  @Option(names = "--profile", paramLabel = "P",
      description = "lavinmq, rabbitmq-3 or rabbitmq-4 (default ${DEFAULT-VALUE}).", defaultValue = "lavinmq")
  String profile;

  @Option(names = "--seed", paramLabel = "N",
      description = {"Draw server-generated names (direct reply-to names, amq.gen-..., amq.ctag-...) from seed N"
          + " instead of a CSPRNG, for reproduction work only: any client can then compute them and forge replies"
          + " (a warning is printed at start). Fault probabilities are seeded either way (N, default 0)."})
  Long seed;

  @Option(names = "--config", paramLabel = "FILE",
      description = "HOCON file merged over the defaults, e.g. brokersim.server { users = [...], heartbeat = 10 }"
          + " (see docs/wire.md).")
  Path config;

  @Option(names = "--faults", paramLabel = "FILE",
      description = "Fault rules (HOCON, see docs/faults.md and examples/faults/) applied to every client.")
  Path faults;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Also serve the management HTTP API (a RabbitMQ-compatible subset and brokersim's own"
          + " endpoints) and the web console on this port; 0 picks a free one (see docs/management.md).")
  Integer httpPort;

  @Option(names = "--tls",
      description = {"Also listen for AMQP over TLS (amqps) on --tls-port, with the key of brokersim.server.tls"
          + " (a PKCS12 keystore, or PEM certificate and private key) or, when none is configured, a certificate"
          + " generated now: its CA is written to a file whose path and SHA-256 fingerprint are printed"
          + " (docs/wire.md)."})
  boolean tls;

  @Option(names = "--tls-port", paramLabel = "PORT",
      description = "Port of the TLS listener; 0 picks a free one (default 5671; overrides brokersim.server.tls.port).")
  Integer tlsPort;

  @Option(names = "--vhost", paramLabel = "NAME",
      description = "Add a virtual host beside the default \"/\" (repeatable; added to brokersim.vhosts).")
  java.util.List<String> vhosts = new java.util.ArrayList<>();

  @Option(names = "--user", paramLabel = "NAME:PASSWORD",
      description = "Add a user who may log in from anywhere (repeatable; added to brokersim.server.users). Without"
          + " --permissions for it, it may do everything in every vhost.")
  java.util.List<String> users = new java.util.ArrayList<>();

  @Option(names = "--permissions", arity = "5", paramLabel = "USER VHOST CONFIGURE WRITE READ",
      description = {"What USER may do in VHOST, as rabbitmqctl set_permissions: three regular expressions over queue"
          + " and exchange names (repeatable; \"\" permits nothing). A user given permissions may open only the vhosts"
          + " it has them for (docs/semantics.md §13)."})
  java.util.List<String> permissions = new java.util.ArrayList<>();

  @Option(names = "--trace", paramLabel = "FILE",
      description = "Write the trace as JSON Lines to FILE (docs/trace.md); 'brokersim trace-hash FILE' hashes it.")
  Path trace;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    FaultPlan plan = FaultPlan.NONE;
    if (faults != null) {
      try {
        plan = FaultFile.load(faults);
      } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
        err.println("brokersim: " + e.getMessage());
        err.flush();
        return 2;
      }
    }
    BrokerProfile p = Lookup.profile(spec, profile);
    if (port < 0 || port > 0xFFFF) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535, was " + port);
    }
    if (httpPort != null && (httpPort < 0 || httpPort > 0xFFFF)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--http-port must be 0..65535, was " + httpPort);
    }
    Config merged = configuration();
    boolean ledger = setting(merged, "brokersim.serve.ledger", merged::getBoolean);
    int settledKept = settledMessagesKept(merged);
    logToStderr();

    JsonLinesSink traceFile = null;
    if (trace != null) {
      try {
        traceFile = JsonLinesSink.to(trace);
      } catch (java.io.UncheckedIOException e) {
        err.println("brokersim: cannot write --trace " + trace + ": " + e.getCause().getMessage());
        err.flush();
        return 2;
      }
    }
    LiveBroker.Builder builder = LiveBroker.builder().profile(p).ledger(ledger).settledMessagesKept(settledKept)
        .faults(plan).config(merged);
    if (seed != null) {
      builder.seed(seed);
      err.println("brokersim: WARNING: --seed " + seed + " makes server-generated names (direct reply-to names,"
          + " amq.gen-, amq.ctag-) predictable: any client can compute another's reply name and forge its reply."
          + " Use it for reproduction work only.");
      err.flush();
    }
    if (traceFile != null) {
      builder.sink(traceFile);
    }
    LiveBroker broker;
    try {
      broker = builder.build();
    } catch (IllegalArgumentException e) {
      // A broker setting from --config that cannot take effect (it names the setting and its line).
      throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": " + e.getMessage());
    }
    broker.trace().addSink(new FaultLog(broker.faults(), broker.ledger()));
    if (!plan.isEmpty()) {
      err.println("brokersim: " + plan.rules().size() + " fault rule(s) from " + faults + ": "
          + String.join(", ", plan.rules().stream().map(r -> r.name() + " at " + r.at().configName()).toList()));
      err.flush();
    }
    AmqpServer server;
    try {
      server = AmqpServer.start(broker, merged);
    } catch (IllegalArgumentException | ConfigException e) {
      // A server setting that cannot take effect (users, permissions, limits): usage, naming the setting.
      broker.close();
      throw new CommandLine.ParameterException(spec.commandLine(), (config != null ? "--config " + config + ": " : "")
          + e.getMessage());
    } catch (RuntimeException e) {
      broker.close();
      err.println("brokersim: " + bindFailure(e, merged));
      err.flush();
      return 1;
    }
    ManagementServer management = null;
    if (httpPort != null) {
      try {
        management = ManagementServer.builder(broker).amqp(server).config(merged).port(httpPort).start();
      } catch (RuntimeException e) {
        server.close();
        broker.close();
        err.println("brokersim: " + httpBindFailure(e, merged));
        err.flush();
        return 1;
      }
    }
    ManagementServer http = management;
    // Coordinated shutdown (run by Pekko's JVM shutdown hook on SIGINT/SIGTERM, and by ours below)
    // closes the server while the actor system is still up, then terminates the system.
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(broker.system());
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "close-amqp-server",
        () -> CompletableFuture.supplyAsync(() -> {
          if (http != null) {
            http.close();
          }
          server.close();
          return Done.done();
        }));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdownAndWait(shutdown), "brokersim-serve-shutdown"));
    StopSignals.install(() -> shutdownAndWait(shutdown));

    InetSocketAddress address = server.address();
    PrintWriter out = spec.commandLine().getOut();
    if (server.plainListener()) {
      out.println("brokersim listening on amqp://" + address.getHostString() + ":" + address.getPort() + " (profile "
          + p.name() + ")");
    }
    if (server.tlsAddress().isPresent()) {
      InetSocketAddress secure = server.tlsAddress().get();
      out.println("brokersim listening on amqps://" + secure.getHostString() + ":" + secure.getPort() + " (profile "
          + p.name() + ")");
      out.println("brokersim TLS: " + server.tlsKeys().orElseThrow().description());
    }
    if (http != null) {
      out.println("brokersim management on http://" + http.address().getHostString() + ":" + http.address().getPort()
          + "/ (console and HTTP API)");
    }
    out.flush();

    broker.system().getWhenTerminated().toCompletableFuture().join();
    broker.close();
    if (traceFile != null) {
      try {
        traceFile.close();
      } catch (java.io.IOException e) {
        err.println("brokersim: cannot finish --trace " + trace + ": " + e.getMessage());
      }
    }
    if (broker.ledger() != null) {
      for (String line : broker.ledger().summary().lines()) {
        log.info(line);
      }
    }
    err.println("brokersim: stopped");
    err.flush();
    return 0;
  }

  /** Reference defaults, then the serve defaults, then --config, then --host/--port if given. */
  private Config configuration() {
    Config file = ConfigFactory.empty();
    if (config != null) {
      if (!Files.isRegularFile(config)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": no such file");
      }
      try {
        file = ConfigFactory.parseFile(config.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": " + e.getMessage());
      }
    }
    Map<String, Object> cli = new LinkedHashMap<>();
    var parsed = spec.commandLine().getParseResult();
    if (parsed.hasMatchedOption("--host") || !file.hasPath("brokersim.server.host")) {
      cli.put("brokersim.server.host", host);
    }
    if (parsed.hasMatchedOption("--port") || !file.hasPath("brokersim.server.port")) {
      cli.put("brokersim.server.port", port);
    }
    if (tls) {
      cli.put("brokersim.server.tls.enabled", true);
    }
    if (tlsPort != null) {
      if (tlsPort < 0 || tlsPort > 0xFFFF) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--tls-port must be 0..65535, was " + tlsPort);
      }
      cli.put("brokersim.server.tls.port", tlsPort);
    }
    try {
      Config base = file.withFallback(ConfigFactory.parseString(SERVE_DEFAULTS)).withFallback(ConfigFactory.load())
          .resolve();
      cli.putAll(accessOptions(base));
      return ConfigFactory.parseMap(cli).withFallback(base).resolve();
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": " + e.getMessage());
    }
  }

  /**
   * {@code --vhost}, {@code --user} and {@code --permissions} as settings over {@code base}: vhosts appended to
   * {@code brokersim.vhosts}, users to {@code brokersim.server.users}, permissions put on the user they name.
   */
  private Map<String, Object> accessOptions(Config base) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (!vhosts.isEmpty()) {
      java.util.List<String> all = new java.util.ArrayList<>(base.getStringList("brokersim.vhosts"));
      all.addAll(vhosts);
      out.put("brokersim.vhosts", all);
    }
    if (users.isEmpty() && permissions.isEmpty()) {
      return out;
    }
    java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
    for (Object u : base.getList("brokersim.server.users").unwrapped()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> user = new LinkedHashMap<>((Map<String, Object>) u);
      list.add(user);
    }
    for (String u : users) {
      int colon = u.indexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--user " + u + ": expected NAME:PASSWORD");
      }
      list.removeIf(existing -> u.substring(0, colon).equals(existing.get("name")));
      list.add(new LinkedHashMap<>(Map.of("name", u.substring(0, colon), "password", u.substring(colon + 1))));
    }
    for (int i = 0; i + 4 < permissions.size(); i += 5) {
      String name = permissions.get(i);
      Map<String, Object> user = list.stream().filter(x -> name.equals(x.get("name"))).findFirst()
          .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(), "--permissions " + name
              + ": no such user (add it with --user NAME:PASSWORD or in brokersim.server.users)"));
      @SuppressWarnings("unchecked")
      Map<String, Object> byVhost = user.get("permissions") instanceof Map<?, ?> m
          ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
      byVhost.put(permissions.get(i + 1), Map.of("configure", permissions.get(i + 2), "write", permissions.get(i + 3),
          "read", permissions.get(i + 4)));
      user.put("permissions", byVhost);
    }
    out.put("brokersim.server.users", list);
    return out;
  }

  /**
   * {@code brokersim.serve.settled-messages-kept}, at least 1 (the fate ledger of a server always keeps a window);
   * anything else is a usage error naming the setting.
   */
  private int settledMessagesKept(Config merged) {
    String path = "brokersim.serve.settled-messages-kept";
    int n = setting(merged, path, merged::getInt);
    if (n < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), path + " must be at least 1, was " + n
          + describeOrigin(merged, path));
    }
    return n;
  }

  /** A setting read with {@code read}; a value of the wrong type is a usage error naming it and its line. */
  private <T> T setting(Config merged, String path, java.util.function.Function<String, T> read) {
    try {
      return read.apply(path);
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), path + ": " + e.getMessage());
    }
  }

  private static String describeOrigin(Config merged, String path) {
    var origin = merged.getValue(path).origin();
    return origin.lineNumber() > 0 ? " (" + origin.description() + ")" : "";
  }

  /** The management port could not be bound: which one, in one line. */
  private String httpBindFailure(RuntimeException e, Config config) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return "cannot listen on " + config.getString("brokersim.management.host") + ":" + httpPort
            + " for the management API: the address is in use (--http-port 0 picks a free port)";
      }
    }
    return e.getMessage();
  }

  /** One line for a server that could not start: the port and why, without the bind exception's wrapping. */
  private static String bindFailure(RuntimeException e, Config config) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.BindException) {
        return "cannot listen on " + config.getString("brokersim.server.host") + ":"
            + config.getInt("brokersim.server.port") + ": the address is in use (another broker? --port 0 picks a"
            + " free port)";
      }
    }
    return e.getMessage();
  }

  private static void shutdownAndWait(CoordinatedShutdown shutdown) {
    try {
      shutdown.runAll(CoordinatedShutdown.jvmExitReason()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("brokersim: shutdown did not finish cleanly: " + e);
    }
  }

  /**
   * Unless a logback configuration was given ({@code -Dlogback.configurationFile}), logs INFO and above
   * (WARN and above for Pekko itself) to stderr, so stdout carries only the "listening" line a script waits for.
   */
  private static void logToStderr() {
    if (System.getProperty("logback.configurationFile") != null
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    // Pekko's own INFO lines (logger started, coordinated shutdown) tell a serve user nothing.
    context.getLogger("org.apache.pekko").setLevel(Level.WARN);
    // A failed bind is logged here with its stack trace; serve reports it as one line instead.
    context.getLogger("org.apache.pekko.io.TcpListener").setLevel(Level.OFF);
  }
}
