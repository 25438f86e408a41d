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
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code brokersim serve}: the simulated broker over AMQP 0-9-1 TCP, for real clients. Prints one line,
 * {@code brokersim listening on amqp://HOST:PORT (profile P)}, once it accepts connections; SIGINT or
 * SIGTERM closes every connection (320 CONNECTION_FORCED) and stops.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the simulated broker over AMQP 0-9-1 TCP to real clients (RabbitMQ Java client, pika,"
        + " PerfTest).",
        "Prints 'brokersim listening on amqp://HOST:PORT (profile P)' when ready; logs go to stderr.",
        "Stop it with Ctrl-C or SIGTERM. Exit status: 0 after a clean stop, 1 if the port cannot be bound,"
            + " 2 for bad usage."})
final class ServeCommand implements Callable<Integer> {

  /**
   * Defaults for a long-running server, under the reference configuration and any --config file: Pekko
   * logs through slf4j (to stderr, see {@link #logToStderr}) instead of printing to stdout.
   */
  private static final String SERVE_DEFAULTS = """
      pekko {
        loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
        logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
        loglevel = INFO
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
    Config merged = configuration();
    logToStderr();

    LiveBroker.Builder builder = LiveBroker.builder().profile(p).ledger(false).faults(plan).config(merged);
    if (seed != null) {
      builder.seed(seed);
      err.println("brokersim: WARNING: --seed " + seed + " makes server-generated names (direct reply-to names,"
          + " amq.gen-, amq.ctag-) predictable: any client can compute another's reply name and forge its reply."
          + " Use it for reproduction work only.");
      err.flush();
    }
    LiveBroker broker = builder.build();
    if (!plan.isEmpty()) {
      err.println("brokersim: " + plan.rules().size() + " fault rule(s) from " + faults + ": "
          + String.join(", ", plan.rules().stream().map(r -> r.name() + " at " + r.at().configName()).toList()));
      err.flush();
    }
    AmqpServer server;
    try {
      server = AmqpServer.start(broker, merged);
    } catch (RuntimeException e) {
      broker.close();
      err.println("brokersim: " + e.getMessage());
      err.flush();
      return 1;
    }
    // Coordinated shutdown (run by Pekko's JVM shutdown hook on SIGINT/SIGTERM, and by ours below)
    // closes the server while the actor system is still up, then terminates the system.
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(broker.system());
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "close-amqp-server",
        () -> CompletableFuture.supplyAsync(() -> {
          server.close();
          return Done.done();
        }));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdownAndWait(shutdown), "brokersim-serve-shutdown"));

    InetSocketAddress address = server.address();
    PrintWriter out = spec.commandLine().getOut();
    out.println("brokersim listening on amqp://" + address.getHostString() + ":" + address.getPort() + " (profile "
        + p.name() + ")");
    out.flush();

    broker.system().getWhenTerminated().toCompletableFuture().join();
    broker.close();
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
    try {
      return ConfigFactory.parseMap(cli).withFallback(file).withFallback(ConfigFactory.parseString(SERVE_DEFAULTS))
          .withFallback(ConfigFactory.load()).resolve();
    } catch (ConfigException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--config " + config + ": " + e.getMessage());
    }
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
   * to stderr, so stdout carries only the "listening" line a script waits for.
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
  }
}
