package io.brokersim.core.fault;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** An ordered list of fault rules with unique names; build it in Java or load it from a fault file. */
public record FaultPlan(List<FaultRule> rules) {

  public static final FaultPlan NONE = new FaultPlan(List.of());

  public FaultPlan {
    rules = List.copyOf(rules);
    Set<String> names = new LinkedHashSet<>();
    for (FaultRule r : rules) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("two fault rules are named '" + r.name() + "'");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** Fluent construction: {@code FaultPlan.builder().rule("x", Boundary.ROUTED, match, action, when).build()}. */
  public static final class Builder {
    private final List<FaultRule> rules = new ArrayList<>();

    public Builder rule(String name, Boundary at, Match match, FaultAction action, Trigger when) {
      rules.add(new FaultRule(name, at, match, action, when));
      return this;
    }

    public Builder rule(FaultRule rule) {
      rules.add(rule);
      return this;
    }

    public FaultPlan build() {
      return new FaultPlan(rules);
    }
  }
}
