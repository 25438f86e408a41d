package io.brokersim.core.fault;

import java.util.Objects;

/** One fault rule: where (boundary) + which (match) + what (action) + when (trigger), under a name. */
public record FaultRule(String name, Boundary at, Match match, FaultAction action, Trigger when) {

  public FaultRule {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(at, "at");
    match = match == null ? Match.ANY : match;
    Objects.requireNonNull(action, "action");
    when = when == null ? Trigger.ALWAYS : when;
    if (name.isBlank()) {
      throw new IllegalArgumentException("a fault rule needs a name");
    }
  }
}
