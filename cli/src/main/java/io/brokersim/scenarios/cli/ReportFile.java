package io.brokersim.scenarios.cli;

import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.report.HtmlReport;
import io.brokersim.scenarios.report.MarkdownReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code --report FILE}: an HTML report for a name ending in .html or .htm, else Markdown. */
final class ReportFile {

  private ReportFile() {}

  static boolean isHtml(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".html") || name.endsWith(".htm");
  }

  static void write(Path file, ScenarioResult r) throws IOException {
    Files.writeString(file, isHtml(file) ? HtmlReport.of(r) : MarkdownReport.of(r), StandardCharsets.UTF_8);
  }
}
