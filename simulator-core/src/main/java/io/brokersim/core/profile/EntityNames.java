package io.brokersim.core.profile;

import io.brokersim.core.model.NameValidation;

/**
 * Queue and exchange name rules per profile (semantics §3.4): RabbitMQ strips CR and LF before using a
 * name; LavinMQ accepts printable ASCII only; no name may exceed 255 octets of UTF-8.
 */
public final class EntityNames {
  private EntityNames() {}

  /** The name as the broker uses it (null stays null). */
  public static String normalise(BrokerProfile p, String name) {
    return name == null || !p.isRabbitMq() ? name : NameValidation.stripCrLf(name);
  }

  /** True when the (normalised) name is acceptable; otherwise the broker answers 406. */
  public static boolean valid(BrokerProfile p, String name) {
    return NameValidation.fitsShortString(name) && (p.isRabbitMq() || NameValidation.isPrintableAscii(name));
  }
}
