package io.brokersim.scenarios.cli;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.Scenario;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Turns command-line names into scenarios and profiles, or into a usage error (exit 2) that says what exists. */
final class Lookup {

  private Lookup() {}

  static Scenario scenario(CommandSpec spec, String name) {
    return Catalogue.resolve(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        "unknown scenario '" + name + "'; known: " + String.join(", ", Catalogue.names())
            + " (see 'brokersim scenarios')"));
  }

  static BrokerProfile profile(CommandSpec spec, String name) {
    return BrokerProfile.byName(name).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
        "unknown profile '" + name + "'; expected lavinmq, rabbitmq-3 or rabbitmq-4"));
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
