package io.brokersim.scenarios.cli;

import io.brokersim.core.model.NearestName;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * Reports a usage error as one line on stderr, {@code brokersim run: unknown option '--sed'; did you mean
 * '--seed'? (see 'brokersim run --help')}, and exits 2: what was wrong, the nearest valid name when there is
 * one, and where to look.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {

  /** Exit status of a usage error. */
  static final int EXIT = 2;

  @Override
  public int handleParseException(CommandLine.ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    String where = cli.getCommandSpec().qualifiedName();
    String message = ex instanceof CommandLine.UnmatchedArgumentException u ? unmatched(u) : ex.getMessage();
    message = message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    // A message that ends in its own pointer, "(see 'brokersim scenarios')" or the valid values, keeps it.
    String hint = message.endsWith(")") ? "" : " (see '" + where + " --help')";
    PrintWriter err = cli.getErr();
    err.println(where + ": " + message.replace('\n', ' ') + hint);
    err.flush();
    return EXIT;
  }

  /** An unknown subcommand, option or extra argument, with the nearest valid one. */
  private static String unmatched(CommandLine.UnmatchedArgumentException ex) {
    CommandSpec spec = ex.getCommandLine().getCommandSpec();
    String first = ex.getUnmatched().isEmpty() ? "" : ex.getUnmatched().get(0);
    if (first.startsWith("-")) {
      List<String> names = new ArrayList<>();
      for (OptionSpec o : spec.options()) {
        names.addAll(List.of(o.names()));
      }
      String option = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
      return "unknown option '" + option + "'" + NearestName.suggestion(option, names);
    }
    if (!spec.subcommands().isEmpty()) {
      return "unknown command '" + first + "'" + NearestName.suggestion(first, spec.subcommands().keySet());
    }
    return "unexpected argument '" + first + "'";
  }
}
