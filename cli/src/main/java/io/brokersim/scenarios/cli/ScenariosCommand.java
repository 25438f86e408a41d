package io.brokersim.scenarios.cli;

import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.Scenario;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code brokersim scenarios}: the runnable catalogue, one line each. */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
    description = "List the scenarios 'brokersim run' and 'brokersim sweep' can run.")
final class ScenariosCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    int width = Catalogue.names().stream().mapToInt(String::length).max().orElse(0);
    for (Scenario s : Catalogue.all()) {
      out.printf("%-" + width + "s  %s%n", s.name(), s.description());
    }
    out.flush();
  }
}
