package io.brokersim.scenarios.cli;

import io.brokersim.core.profile.BrokerProfile;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code brokersim} command line. */
@Command(name = "brokersim", mixinStandardHelpOptions = true, version = "brokersim 0.1.0-SNAPSHOT",
    description = "In-memory AMQP 0-9-1 broker simulator that can be broken on purpose.",
    subcommands = {ScenariosCommand.class, RunCommand.class, SweepCommand.class, ShrinkCommand.class, BenchCommand.class,
        ServeCommand.class, TraceHashCommand.class, Brokersim.Profiles.class})
public final class Brokersim implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the CLI and returns its exit code (0 ok, 1 expectations failed, 2 bad usage). */
  public static int execute(String... args) {
    return execute(null, null, args);
  }

  /** Like {@link #execute(String...)}, writing to {@code out} and {@code err} (System.out/err when null). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Brokersim());
    if (out != null) {
      cli.setOut(out);
    }
    if (err != null) {
      cli.setErr(err);
    }
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExitCodeExceptionMapper(e -> UsageErrors.EXIT);
    cli.setParameterExceptionHandler(new UsageErrors());
    return cli.execute(args);
  }

  /** {@code brokersim profiles}: the broker profiles. */
  @Command(name = "profiles", mixinStandardHelpOptions = true, description = "List the broker profiles.")
  static final class Profiles implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      for (BrokerProfile p : BrokerProfile.ALL) {
        String what = switch (p.name()) {
          case "lavinmq" -> "LavinMQ 2.x (default)";
          case "rabbitmq-3" -> "RabbitMQ 3.12-3.13";
          default -> "RabbitMQ 4.x (4.3 semantics)";
        };
        out.printf("%-11s %s%n", p.name(), what);
      }
      out.flush();
    }
  }
}
