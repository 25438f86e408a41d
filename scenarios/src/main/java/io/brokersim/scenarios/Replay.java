package io.brokersim.scenarios;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command line that replays one run: {@code brokersim run NAME --profile P --seed N}, plus {@code --classpath}
 * for a scenario class outside the catalogue, the fault file, and the calls left out. What {@code run}, {@code sweep}
 * and {@code shrink} print, and what the reports show.
 *
 * @param scenario the catalogue name, or the scenario's class name
 * @param classpath where that class is (as given with {@code --classpath}, else the directory or jar it was loaded
 *     from), or null for a catalogue scenario
 * @param profile the profile's name
 * @param seed the seed
 * @param faultsFile the fault file, as given, or null
 * @param onlyCalls the calls the run made when it left others out (in send order), or empty for all
 */
public record Replay(String scenario, String classpath, String profile, long seed, String faultsFile,
    List<String> onlyCalls) {

  /**
   * The command the replay starts with: {@code brokersim}, or the launcher as it was invoked when it says so with
   * the system property {@code brokersim.command} (the {@code ./brokersim} script does).
   */
  public static String launcher() {
    String c = System.getProperty("brokersim.command");
    return c == null || c.isBlank() ? "brokersim" : c;
  }

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@+-]+");

  public Replay {
    onlyCalls = List.copyOf(onlyCalls);
  }

  /** The replay of {@code scenario} under {@code options}. */
  public static Replay of(Scenario scenario, String profile, long seed, RunOptions options) {
    String name = Catalogue.replayName(scenario);
    String classpath = null;
    if (!name.equals(scenario.name()) || Catalogue.find(name).isEmpty()) {
      classpath = options.classpath() != null ? options.classpath() : location(scenario.getClass());
    }
    return new Replay(name, classpath, profile, seed, options.faultsSource(), options.onlyCalls());
  }

  /** This replay with another fault file. */
  public Replay withFaults(String file) {
    return new Replay(scenario, classpath, profile, seed, file, onlyCalls);
  }

  /** The command line, words quoted for a POSIX shell where they need it. */
  public String command() {
    List<String> words = new ArrayList<>(List.of(launcher(), "run", scenario));
    if (classpath != null) {
      words.add("--classpath");
      words.add(classpath);
    }
    words.addAll(List.of("--profile", profile, "--seed", Long.toString(seed)));
    if (faultsFile != null) {
      words.add("--faults");
      words.add(faultsFile);
    }
    if (!onlyCalls.isEmpty()) {
      words.add("--only-calls");
      words.add(String.join(",", onlyCalls));
    }
    StringBuilder b = new StringBuilder();
    for (String w : words) {
      b.append(b.length() == 0 ? "" : " ").append(quote(w));
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return command();
  }

  /** {@code word} as a POSIX shell reads it back. */
  static String quote(String word) {
    return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The directory or jar a class was loaded from, or null when the JVM does not say. */
  static String location(Class<?> type) {
    CodeSource source = type.getProtectionDomain() == null ? null : type.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      return Path.of(source.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      return source.getLocation().toString();
    }
  }
}
