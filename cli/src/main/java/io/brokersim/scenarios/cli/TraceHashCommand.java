package io.brokersim.scenarios.cli;

import io.brokersim.core.trace.JsonLinesHash;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code brokersim trace-hash FILE...}: the trace hash of JSON Lines trace files, as 'run' prints it. */
@Command(name = "trace-hash", mixinStandardHelpOptions = true,
    description = {"Recompute the trace hash of JSON Lines trace files (brokersim run --trace FILE).",
        "Prints '<hex>  <file>' per file: the 'trace-sha256' that 'run' printed for the run that wrote it.",
        "Exit status: 0 if every file was read (and matched --expect), 1 on a mismatch, 2 for an unreadable",
        "or malformed file."})
final class TraceHashCommand implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "JSON Lines trace files.")
  List<Path> files;

  @Option(names = "--expect", paramLabel = "HEX",
      description = "The trace-sha256 every file must have; exit 1 if one differs.")
  String expect;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int status = 0;
    for (Path file : files) {
      String hex;
      try {
        hex = JsonLinesHash.of(file);
      } catch (IOException | IllegalArgumentException e) {
        err.println("brokersim: cannot hash " + file + ": " + e.getMessage());
        err.flush();
        return 2;
      }
      out.println(hex + "  " + file);
      if (expect != null && !hex.equals(expect.toLowerCase(Locale.ROOT))) {
        err.println("brokersim: " + file + " has trace hash " + hex + ", not " + expect);
        status = 1;
      }
    }
    out.flush();
    err.flush();
    return status;
  }
}
