package io.brokersim.scenarios.cli;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --classpath}: directories and jars where a scenario given by class name is found (with the classes it
 * uses and any fault action providers), so that {@code ./brokersim run com.acme.MyScenario --classpath
 * target/test-classes:target/classes} works with the launcher's own jar.
 */
final class ClasspathOption {

  @Option(names = "--classpath", paramLabel = "PATH",
      description = "Where a scenario class named as NAME is: directories and jars, separated by the system's "
          + "path separator (':' on Linux and macOS).")
  String classpath;

  /**
   * Adds the entries to the context class loader until the returned handle is closed, so that
   * {@code Catalogue.resolve} and the fault action registry find classes there; a usage error names an entry that
   * does not exist.
   */
  AutoCloseable install(CommandSpec spec) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    if (classpath == null) {
      return () -> { };
    }
    List<URL> urls = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path p = Path.of(entry);
      if (!Files.exists(p)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--classpath entry '" + entry
            + "' does not exist");
      }
      try {
        urls.add(p.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--classpath entry '" + entry + "': "
            + e.getMessage());
      }
    }
    thread.setContextClassLoader(new URLClassLoader(urls.toArray(new URL[0]), before));
    return () -> thread.setContextClassLoader(before);
  }
}
