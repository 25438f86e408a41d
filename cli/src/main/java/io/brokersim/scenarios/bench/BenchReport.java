package io.brokersim.scenarios.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one {@code brokersim bench} run with the machine they came from, as a text table or JSON. Given
 * a baseline (the JSON of another run, e.g. against RabbitMQ) the table adds the baseline's value and the ratio
 * this / baseline for every row both runs measured.
 *
 * @param machine where it ran
 * @param mode {@code full} or {@code quick}
 * @param timing warmup and measurement time per benchmark
 * @param server what the wire benchmarks talked to
 * @param rows every measurement, in run order
 */
public record BenchReport(Machine machine, String mode, String timing, String server, List<Measurement> rows) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public BenchReport {
    rows = List.copyOf(rows);
  }

  /** The report as JSON ({@code value} is null for a row not measured). */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode m = root.putObject("machine");
    m.put("cores", machine.cores());
    m.put("cpu", machine.cpu());
    m.put("jvm", machine.jvm());
    m.put("os", machine.os());
    m.put("maxHeapBytes", machine.maxHeapBytes());
    m.put("loadAverage", machine.loadAverage());
    root.put("mode", mode);
    root.put("timing", timing);
    root.put("server", server);
    ArrayNode results = root.putArray("results");
    for (Measurement r : rows) {
      ObjectNode o = results.addObject();
      o.put("benchmark", r.benchmark());
      o.put("metric", r.metric());
      if (r.measured()) {
        o.put("value", r.value());
      } else {
        o.putNull("value");
      }
      o.put("unit", r.unit());
      o.put("higherIsBetter", r.higherIsBetter());
      o.put("note", r.note());
    }
    try {
      return JSON.writeValueAsString(root) + System.lineSeparator();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a report written by {@link #toJson()}. */
  public static BenchReport readJson(Path file) throws IOException {
    JsonNode root = JSON.readTree(Files.readString(file));
    JsonNode m = root.path("machine");
    Machine machine = new Machine(m.path("cores").asInt(), m.path("cpu").asText(), m.path("jvm").asText(),
        m.path("os").asText(), m.path("maxHeapBytes").asLong(), m.path("loadAverage").asDouble(-1));
    List<Measurement> rows = new ArrayList<>();
    for (JsonNode r : root.path("results")) {
      JsonNode v = r.path("value");
      rows.add(new Measurement(r.path("benchmark").asText(), r.path("metric").asText(),
          v.isNumber() ? v.asDouble() : Double.NaN, r.path("unit").asText(), r.path("higherIsBetter").asBoolean(),
          r.path("note").asText()));
    }
    return new BenchReport(machine, root.path("mode").asText(), root.path("timing").asText(),
        root.path("server").asText(), rows);
  }

  /** The report as a text table; with a baseline, two more columns: its value and the ratio. */
  public String toTable(BenchReport baseline) {
    Map<String, Measurement> base = new LinkedHashMap<>();
    if (baseline != null) {
      for (Measurement b : baseline.rows()) {
        base.put(b.benchmark() + "/" + b.metric(), b);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("brokersim bench (").append(mode).append(": ").append(timing).append(")\n");
    out.append("machine: ").append(machine.describe()).append('\n');
    out.append("wire server: ").append(server).append('\n');
    if (baseline != null) {
      out.append("baseline: ").append(baseline.server()).append(" on ").append(baseline.machine().describe())
          .append("\nratio = this / baseline\n");
    }
    out.append('\n');
    List<String[]> cells = new ArrayList<>();
    cells.add(baseline == null
        ? new String[] {"benchmark", "metric", "value", "unit", "note"}
        : new String[] {"benchmark", "metric", "value", "baseline", "ratio", "unit", "note"});
    for (Measurement r : rows) {
      Measurement b = base.get(r.benchmark() + "/" + r.metric());
      String value = r.measured() ? format(r.value()) : "-";
      if (baseline == null) {
        cells.add(new String[] {r.benchmark(), r.metric(), value, r.unit(), r.note()});
      } else {
        String bv = b != null && b.measured() ? format(b.value()) : "-";
        String ratio = b != null && b.measured() && r.measured() && b.value() != 0
            ? String.format(Locale.ROOT, "%.2fx", r.value() / b.value()) : "-";
        cells.add(new String[] {r.benchmark(), r.metric(), value, bv, ratio, r.unit(), r.note()});
      }
    }
    int columns = cells.get(0).length;
    int[] width = new int[columns];
    for (String[] row : cells) {
      for (int c = 0; c < columns - 1; c++) {
        width[c] = Math.max(width[c], row[c].length());
      }
    }
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        boolean number = c >= 2 && c < columns - 2;
        String cell = row[c];
        if (c == columns - 1) {
          line.append(cell);
        } else if (number) {
          line.append(" ".repeat(width[c] - cell.length())).append(cell).append("  ");
        } else {
          line.append(cell).append(" ".repeat(width[c] - cell.length())).append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** A number with three significant digits or grouped thousands, for tables and progress lines. */
  static String format(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3g", v);
  }
}
