package io.brokersim.core.client;

import io.brokersim.core.model.BasicProperties;

/** A message delivered to an in-process consumer ({@code basic.deliver}) or fetched ({@code basic.get-ok}). */
public record Delivery(String consumerTag, long deliveryTag, boolean redelivered, String exchange, String routingKey,
    BasicProperties properties, byte[] body, int messageCount) {

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }
}
