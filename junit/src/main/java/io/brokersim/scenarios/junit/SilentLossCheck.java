package io.brokersim.scenarios.junit;

import io.brokersim.core.trace.LostMessageException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs the "nothing lost silently" check after a test or class, relaxed where {@link AllowSilentLoss} says so. */
final class SilentLossCheck {
  private SilentLossCheck() {}

  /** Runs {@code check}; under {@link AllowSilentLoss} what it finds is printed with the reason, not thrown. */
  static void run(ExtensionContext context, Runnable check) {
    Optional<Declared<AllowSilentLoss>> allow = Declared.find(context, AllowSilentLoss.class);
    if (allow.isEmpty()) {
      check.run();
      return;
    }
    String reason = allow.get().annotation().value();
    if (reason.isBlank()) {
      throw new ExtensionConfigurationException("@AllowSilentLoss needs a reason, on "
          + (allow.get().classWide() ? allow.get().onClass().getName() : context.getDisplayName()));
    }
    try {
      check.run();
    } catch (LostMessageException e) {
      System.err.println("[brokersim] check relaxed by @AllowSilentLoss(\"" + reason + "\") in "
          + context.getDisplayName() + ": " + e.getMessage());
    }
  }
}
