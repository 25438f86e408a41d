package io.brokersim.scenarios.cli;

import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.model.NearestName;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.FaultRules;
import io.brokersim.scenarios.Scenario;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/** Turns command-line names into scenarios and profiles, or into a usage error (exit 2) naming the nearest one. */
final class Lookup {

  private Lookup() {}

  static Scenario scenario(CommandSpec spec, String name) {
    return Catalogue.resolve(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        name.contains(".") && !name.contains("-")
            ? "no scenario class '" + name + "' with a public no-argument constructor on the class path (name "
                + "where it is with --classpath)"
            : "unknown scenario '" + name + "'" + NearestName.suggestion(name, Catalogue.names())
                + " (see 'brokersim scenarios')"));
  }

  static BrokerProfile profile(CommandSpec spec, String name) {
    return BrokerProfile.byName(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        "unknown profile '" + name + "'" + NearestName.suggestion(name, BrokerProfile.ALL.stream().map(BrokerProfile::name)
            .toList()) + " (one of lavinmq, rabbitmq-3, rabbitmq-4)"));
  }

  /**
   * The fault file {@code file}, checked against each scenario it will run with (a file rule may not reuse a
   * scenario rule's name); null after printing every problem, with its field and line, to {@code err}.
   */
  static FaultPlan faults(Path file, List<Scenario> scenarios, PrintWriter err) {
    FaultPlan plan;
    try {
      plan = FaultFile.loadForSimulation(file);
    } catch (FaultFile.FaultFileException e) {
      err.println("brokersim: cannot use fault file " + file + ": " + e.getMessage());
      err.flush();
      return null;
    }
    try {
      for (Scenario s : scenarios) {
        FaultRules.merge(s.faults(), plan, file.toString());
      }
    } catch (IllegalArgumentException e) {
      err.println("brokersim: cannot use fault file " + file + ": " + e.getMessage());
      err.flush();
      return null;
    }
    return plan;
  }

  /** {@code name} as a profile {@code scenario} declares. */
  static BrokerProfile profile(CommandSpec spec, String name, Scenario scenario) {
    BrokerProfile p = profile(spec, name);
    if (!scenario.profiles().contains(p)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "scenario '" + scenario.name()
          + "' does not declare profile '" + p.name() + "'; it declares "
          + String.join(", ", scenario.profiles().stream().map(BrokerProfile::name).toList()));
    }
    return p;
  }
}
