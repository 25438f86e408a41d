package io.brokersim.scenarios.cli;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * SIGINT and SIGTERM as a request to stop. The first one runs {@code stop} on a thread of its own, so a command
 * can close what it serves and return its exit status as usual (0 for {@code serve}); a second one ends the
 * process at once with 128 + the signal's number, as a shell reports it. Without these handlers the JVM runs
 * its shutdown hooks and exits 130 or 143 whatever the command returns.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) is the JDK's only way to handle a signal; javac warns
 * about it on every build, which is the price. A signal a shell started us ignoring (SIGINT for a background
 * job of a script) stays ignored: the JVM keeps it that way, and so do we.
 */
final class StopSignals {

  private StopSignals() {}

  /** Handles SIGINT and SIGTERM from now on: the first runs {@code stop}, a second halts. */
  static void install(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : List.of("INT", "TERM")) {
      try {
        Signal.handle(new Signal(name), signal -> {
          if (stopping.compareAndSet(false, true)) {
            new Thread(stop, "brokersim-stop-on-SIG" + name).start();
          } else {
            Runtime.getRuntime().halt(128 + signal.getNumber());
          }
        });
      } catch (IllegalArgumentException e) {
        // The JVM reserves this signal here (-Xrs, or the platform lacks it): its default handling stays.
      }
    }
  }
}
