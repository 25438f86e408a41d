package io.brokersim.core.model;

/** What a binding points at: a queue or (exchange-to-exchange binding) an exchange. */
public record Destination(boolean queue, String name) {

  public static Destination queue(String name) {
    return new Destination(true, name);
  }

  public static Destination exchange(String name) {
    return new Destination(false, name);
  }

  public String kind() {
    return queue ? "queue" : "exchange";
  }
}
