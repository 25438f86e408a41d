package io.brokersim.scenarios.cli;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.JsonLinesSink;
import io.brokersim.scenarios.CallbackQueueDemo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code brokersim} command line. */
@Command(name = "brokersim", mixinStandardHelpOptions = true, version = "brokersim 0.1.0-SNAPSHOT",
    description = "In-memory AMQP 0-9-1 broker simulator that can be broken on purpose.",
    subcommands = {Brokersim.Demo.class, Brokersim.Profiles.class})
public final class Brokersim implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 1 expectations failed, 2 bad usage). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Brokersim());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExitCodeExceptionMapper(e -> 2);
    cli.setParameterExceptionHandler((ex, a) -> {
      ex.getCommandLine().getErr().println("brokersim: " + ex.getMessage());
      ex.getCommandLine().getErr().println("Try 'brokersim " + ex.getCommandLine().getCommandName() + " --help'.");
      return 2;
    });
    return cli.execute(args);
  }

  /** {@code brokersim demo}: callback-queue RPC on the deterministic runtime. */
  @Command(name = "demo", mixinStandardHelpOptions = true,
      description = "Run callback-queue RPC on the deterministic simulator; print the verdict and the trace hash.")
  static final class Demo implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", description = "Seed of the run (default ${DEFAULT-VALUE}).", defaultValue = "0")
    long seed;

    @Option(names = "--profile", description = "lavinmq, rabbitmq-3 or rabbitmq-4 (default ${DEFAULT-VALUE}).",
        defaultValue = "lavinmq")
    String profile;

    @Option(names = "--clients", description = "Requesting clients (default ${DEFAULT-VALUE}).", defaultValue = "10")
    int clients;

    @Option(names = "--calls", description = "Calls per client (default ${DEFAULT-VALUE}).", defaultValue = "100")
    int calls;

    @Option(names = "--trace", description = "Write the trace as JSON Lines to this file.")
    Path trace;

    @Override
    public Integer call() throws Exception {
      BrokerProfile p = BrokerProfile.byName(profile).orElse(null);
      if (p == null) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown profile '" + profile + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4");
      }
      if (clients < 1 || calls < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--clients and --calls must be at least 1");
      }
      CallbackQueueDemo.Result r;
      if (trace != null) {
        try (JsonLinesSink sink = JsonLinesSink.to(trace)) {
          r = CallbackQueueDemo.run(seed, p, clients, calls, sink);
        }
      } else {
        r = CallbackQueueDemo.run(seed, p, clients, calls, null);
      }
      System.out.printf("callback-queue RPC, profile %s, seed %d: %d calls, %d replies matched, %d unmatched%n",
          p.name(), seed, r.calls(), r.replies(), r.unmatched());
      System.out.printf("virtual time: %s; messages still live: %d%n", Duration.ofNanos(r.virtualNanos()), r.stillLive());
      System.out.println("verdict: " + (r.passed() ? "PASS - every request got exactly one reply" : "FAIL"));
      System.out.println("trace-sha256: " + r.traceSha256());
      return r.passed() ? 0 : 1;
    }
  }

  /** {@code brokersim profiles}: the broker profiles. */
  @Command(name = "profiles", mixinStandardHelpOptions = true, description = "List the broker profiles.")
  static final class Profiles implements Runnable {
    @Override
    public void run() {
      for (BrokerProfile p : BrokerProfile.ALL) {
        String what = switch (p.name()) {
          case "lavinmq" -> "LavinMQ 2.x (default)";
          case "rabbitmq-3" -> "RabbitMQ 3.12-3.13";
          default -> "RabbitMQ 4.x (4.3 semantics)";
        };
        System.out.printf("%-11s %s%n", p.name(), what);
      }
    }
  }
}
