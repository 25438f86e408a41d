package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/faults.md tells the truth about where each action takes effect: its matrix must be exactly the one
 * {@link FaultEffects} and {@link FaultActions#where} give. A new effect or boundary fails this test until
 * the page says so (the failure prints the table to paste).
 */
class FaultsDocTest {

  @Test
  void faultsPage_matrixMatchesTheTable() throws Exception {
    Path doc = Path.of("..", "docs", "faults.md");
    String text = Files.readString(doc);
    String expected = matrix();
    assertTrue(text.contains(expected), "docs/faults.md must contain this table, generated from FaultEffects:\n\n"
        + expected);
  }

  /** The markdown matrix: one row per group of built-in action types that take effect at the same boundaries. */
  static String matrix() {
    List<Boundary> columns = List.of(Boundary.values());
    Map<Set<Boundary>, List<String>> groups = new LinkedHashMap<>();
    for (String type : FaultFile.BUILT_IN_SETTINGS.keySet()) {
      groups.computeIfAbsent(FaultActions.where(type), k -> new ArrayList<>()).add("`" + type + "`");
    }
    StringBuilder sb = new StringBuilder("| action |");
    for (Boundary b : columns) {
      sb.append(' ').append(b.configName()).append(" |");
    }
    sb.append("\n|---|");
    sb.append("---|".repeat(columns.size()));
    for (Map.Entry<Set<Boundary>, List<String>> g : groups.entrySet()) {
      sb.append("\n| ").append(String.join(", ", g.getValue())).append(" |");
      for (Boundary b : columns) {
        sb.append(g.getKey().contains(b) ? " ✓ |" : " — |");
      }
    }
    return sb.append('\n').toString();
  }
}
