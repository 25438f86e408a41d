package io.brokersim.core.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Source-level rules of simulator-core: the pure model has no actor-system dependency, and nothing
 * outside the runtime package reads the clock or creates unseeded randomness (determinism).
 */
class SourceRulesTest {
  private static final Path MAIN = Path.of("src/main/java/io/brokersim/core");

  private static final Pattern NONDETERMINISM = Pattern.compile(
      "System\\.(currentTimeMillis|nanoTime)\\(|Instant\\.now\\(|LocalDateTime\\.now\\(|Clock\\.system"
          + "|UUID\\.randomUUID\\(|ThreadLocalRandom|Math\\.random\\(|new Random\\(|new SecureRandom\\(|SecureRandom\\.get"
          + "|\\.pipeToSelf\\(|getContext\\(\\)\\.ask\\(|context\\.ask\\(|ctx\\.ask\\(");

  private static List<Path> javaFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** Lines matching {@code pattern}, ignoring comment lines. */
  private static List<String> violations(Path dir, Pattern pattern, Path exclude) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : javaFiles(dir)) {
      if (exclude != null && f.startsWith(exclude)) {
        continue;
      }
      List<String> lines = Files.readAllLines(f);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
          continue;
        }
        if (pattern.matcher(line).find()) {
          out.add(f + ":" + (i + 1) + ": " + line);
        }
      }
    }
    return out;
  }

  @Test
  void modelPackage_importsNoPekko() throws IOException {
    List<String> bad = violations(MAIN.resolve("model"), Pattern.compile("^import\\s+(static\\s+)?(org\\.apache\\.pekko|akka|scala)\\."), null);
    assertTrue(bad.isEmpty(), "model must be plain Java:\n" + String.join("\n", bad));
  }

  @Test
  void profileAndTracePackages_importNoPekko() throws IOException {
    List<String> bad = new ArrayList<>();
    bad.addAll(violations(MAIN.resolve("profile"), Pattern.compile("^import\\s+org\\.apache\\.pekko\\."), null));
    bad.addAll(violations(MAIN.resolve("trace"), Pattern.compile("^import\\s+org\\.apache\\.pekko\\."), null));
    assertTrue(bad.isEmpty(), String.join("\n", bad));
  }

  @Test
  void coreOutsideRuntime_readsNoClockAndMakesNoRandomness() throws IOException {
    List<String> bad = violations(MAIN, NONDETERMINISM, MAIN.resolve("runtime"));
    assertTrue(bad.isEmpty(), "nondeterminism outside runtime/:\n" + String.join("\n", bad));
  }

  @Test
  void guard_detectsAViolation() {
    assertTrue(NONDETERMINISM.matcher("long t = System.nanoTime();").find());
    assertTrue(NONDETERMINISM.matcher("String id = UUID.randomUUID().toString();").find());
    assertFalse(NONDETERMINISM.matcher("long t = broker.now();").find());
  }
}
