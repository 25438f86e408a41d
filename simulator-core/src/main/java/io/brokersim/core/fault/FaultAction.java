package io.brokersim.core.fault;

import io.brokersim.core.model.RandomSource;
import java.util.List;

/**
 * The action part of a fault rule, and the extension point for new ones: an implementation decides
 * which {@link Effect}s to apply to an event. Register custom actions with {@link FaultActions#register}
 * (or through {@link FaultActionProvider} and {@code ServiceLoader}) to use them from fault files.
 */
public interface FaultAction {

  /** A short name for traces and reports, e.g. {@code drop} or {@code dead-reply-channel}. */
  String name();

  /** The effects for this event; {@code random} is the rule's own seeded stream. */
  List<Effect> apply(FaultEvent event, RandomSource random);

  /** An action that always applies the same single effect. */
  static FaultAction of(String name, Effect effect) {
    List<Effect> effects = List.of(effect);
    return new FaultAction() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<Effect> apply(FaultEvent event, RandomSource random) {
        return effects;
      }

      @Override
      public String toString() {
        return name + " " + effect;
      }
    };
  }
}
