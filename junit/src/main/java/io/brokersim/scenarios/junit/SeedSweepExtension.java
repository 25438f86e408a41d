package io.brokersim.scenarios.junit;

import io.brokersim.core.profile.BrokerProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/** Provides one invocation per (profile, seed) of a {@link SeedSweep} test, each with its own simulation. */
final class SeedSweepExtension implements TestTemplateInvocationContextProvider {

  /** Invocations one sweep may make at most. */
  static final long MAX_INVOCATIONS = 100_000;

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getTestMethod().map(m -> m.isAnnotationPresent(SeedSweep.class)).orElse(false);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
    SeedSweep sweep = context.getRequiredTestMethod().getAnnotation(SeedSweep.class);
    long from = sweep.from();
    long to = sweep.to();
    String onlySeed = System.getProperty(BrokersimExtension.SEED_PROPERTY);
    if (onlySeed != null && !onlySeed.isBlank()) {
      try {
        from = to = Long.parseLong(onlySeed.trim());
      } catch (NumberFormatException e) {
        throw new ExtensionConfigurationException("-D" + BrokersimExtension.SEED_PROPERTY + " must be a number, got '"
            + onlySeed + "'");
      }
    }
    if (to < from || to - from >= MAX_INVOCATIONS) {
      throw new ExtensionConfigurationException("@SeedSweep needs 1 to " + MAX_INVOCATIONS + " seeds, got " + from
          + ".." + to);
    }
    List<BrokerProfile> profiles = new ArrayList<>();
    String onlyProfile = System.getProperty(BrokersimExtension.PROFILE_PROPERTY);
    if (onlyProfile != null && !onlyProfile.isBlank()) {
      profiles.add(BrokersimExtension.profileNamed(onlyProfile.trim()));
    } else {
      for (String name : sweep.profiles()) {
        profiles.add(BrokersimExtension.profileNamed(name));
      }
    }
    long first = from;
    long last = to;
    return profiles.stream().flatMap(p -> Stream.iterate(first, s -> s <= last, s -> s + 1)
        .map(seed -> invocation(seed, p)));
  }

  private static TestTemplateInvocationContext invocation(long seed, BrokerProfile profile) {
    return new TestTemplateInvocationContext() {
      @Override
      public String getDisplayName(int invocationIndex) {
        return "seed " + seed + ", " + profile.name();
      }

      @Override
      public List<Extension> getAdditionalExtensions() {
        return List.of(new BrokersimExtension(seed, profile));
      }
    };
  }
}
