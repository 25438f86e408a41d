package io.brokersim.scenarios.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The machine a benchmark ran on, printed in the header of every result: numbers from different machines
 * (or from one machine under different load) are not comparable.
 *
 * @param cores processors the JVM sees
 * @param cpu the CPU model from {@code /proc/cpuinfo}, or "unknown"
 * @param jvm VM name and runtime version
 * @param os OS name, version and architecture
 * @param maxHeapBytes the JVM's maximum heap
 * @param loadAverage the one-minute load average when the run started (negative if unknown); above the
 *     number of cores the machine is busy with something else and throughput numbers are low
 */
public record Machine(int cores, String cpu, String jvm, String os, long maxHeapBytes, double loadAverage) {

  /** This machine, now. */
  public static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        cpuModel(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        Runtime.getRuntime().maxMemory(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /** One line for a report header. */
  public String describe() {
    return String.format(Locale.ROOT, "%d cores (%s), %s, %s, max heap %d MiB, load average %.2f at start",
        cores, cpu, jvm, os, maxHeapBytes >> 20, loadAverage);
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      for (String line : lines) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | SecurityException e) {
      // Not Linux, or not readable: the core count and JVM still identify the run.
    }
    return "unknown";
  }
}
