package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./brokersim} launcher's class-data archive: written by a command's first run, used by later runs,
 * rewritten after the jar changed, and never in the way of a start. Runs a copy of the launcher next to a copy
 * of the shaded jar in a temporary directory (no sources there, so the launcher never builds).
 */
@Timeout(180)
class LauncherIT {

  private static final Path ROOT = Path.of("..", "..").toAbsolutePath().normalize();
  private static final String PROFILES = """
      lavinmq     LavinMQ 2.x (default)
      rabbitmq-3  RabbitMQ 3.12-3.13
      rabbitmq-4  RabbitMQ 4.x (4.3 semantics)
      """;

  @TempDir
  Path home;
  private Path jar;
  private Path cds;

  @BeforeEach
  void copyLauncherAndJar() throws IOException {
    Path built = ROOT.resolve("cli/target/brokersim.jar");
    assertTrue(Files.isRegularFile(built), "the reactor build packages " + built + " before this module");
    Files.createDirectories(home.resolve("cli/target"));
    assertTrue(Files.copy(ROOT.resolve("brokersim"), home.resolve("brokersim")).toFile().setExecutable(true));
    jar = Files.copy(built, home.resolve("cli/target/brokersim.jar"));
    cds = home.resolve("cli/target/cds");
  }

  @Test
  void firstRun_writesTheArchive_laterRunsUseIt_aRebuiltJarRewritesIt() throws Exception {
    assertEquals(PROFILES, run(List.of("profiles"), 0));
    Path archive = onlyArchive("profiles-");
    FileTime written = Files.getLastModifiedTime(archive);

    assertEquals(PROFILES, run(List.of("profiles"), 0));
    assertEquals(written, Files.getLastModifiedTime(archive), "the second run maps the archive, not rewrites it");

    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    assertEquals(PROFILES, run(List.of("profiles"), 0));
    assertNotEquals(written, Files.getLastModifiedTime(onlyArchive("profiles-")), "a newer jar gets a new archive");
  }

  @Test
  void unusableArchive_commandRunsAsWithout() throws Exception {
    assertEquals(PROFILES, run(List.of("profiles"), 0));
    Path archive = onlyArchive("profiles-");
    archive.toFile().setWritable(true);
    Files.write(archive, new byte[4096]); // not an archive; newer than the jar, so the launcher passes it on
    assertEquals(PROFILES, run(List.of("profiles"), 0));
  }

  @Test
  void usageErrorHelpOrOff_writeNoArchive() throws Exception {
    run(List.of("no-such-command"), 2);
    run(List.of("profiles", "--help"), 0);
    assertArchives(List.of());
    ProcessBuilder off = launcher(List.of("profiles"));
    off.environment().put("BROKERSIM_CDS", "off");
    assertEquals(PROFILES, output(off, 0));
    assertArchives(List.of());
  }

  @Test
  void serveStoppedBySigterm_onItsFirstRun_keepsItsArchive() throws Exception {
    Process p = launcher(List.of("serve", "--port", "0")).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.contains("listening on amqp://"));
      assertTrue(line != null, "serve announced its port");
      p.toHandle().destroy(); // SIGTERM to the launcher, which passes it on to the JVM
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped");
      assertEquals(0, p.exitValue());
      onlyArchive("serve-");
    } finally {
      p.destroyForcibly();
    }
  }

  private ProcessBuilder launcher(List<String> args) {
    ProcessBuilder b = new ProcessBuilder(Stream.concat(Stream.of(home.resolve("brokersim").toString()),
        args.stream()).toList());
    b.environment().remove("BROKERSIM_CDS");
    return b.directory(home.toFile());
  }

  private String run(List<String> args, int status) throws Exception {
    return output(launcher(args), status);
  }

  private static String output(ProcessBuilder b, int status) throws Exception {
    Process p = b.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exited");
    assertEquals(status, p.exitValue(), () -> b.command() + " printed " + out);
    return out;
  }

  /** The one archive named PREFIX*.jsa; fails if there is another file (a leftover temporary one) beside it. */
  private Path onlyArchive(String prefix) throws IOException {
    List<Path> files = files();
    assertEquals(1, files.size(), () -> "archives: " + files);
    Path archive = files.get(0);
    String name = archive.getFileName().toString();
    assertTrue(name.startsWith(prefix) && name.endsWith(".jsa"), name);
    assertTrue(Files.size(archive) > 0, name);
    return archive;
  }

  private void assertArchives(List<Path> expected) throws IOException {
    assertEquals(expected, files());
  }

  private List<Path> files() throws IOException {
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(cds)) {
      return s.sorted().toList();
    }
  }
}
