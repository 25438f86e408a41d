package io.brokersim.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The brokersim CLI in a child JVM on this suite's class path (the reactor's modules, not an installed jar). */
final class CliProcess {

  private CliProcess() {}

  /** {@code java -cp <this class path> io.brokersim.scenarios.cli.Brokersim args...}, not started. */
  static ProcessBuilder command(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.brokersim.scenarios.cli.Brokersim"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }
}
