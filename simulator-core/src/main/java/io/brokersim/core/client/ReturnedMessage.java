package io.brokersim.core.client;

import io.brokersim.core.model.BasicProperties;

/** A {@code basic.return}: an unroutable mandatory publish coming back with its original properties. */
public record ReturnedMessage(int replyCode, String replyText, String exchange, String routingKey,
    BasicProperties properties, byte[] body) {}
