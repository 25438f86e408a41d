package com.example.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rabbitmq.client.impl.ClientVersion;
import org.junit.jupiter.api.Test;

/** Adding brokersim left this project's own JUnit and amqp-client versions in place. */
class DependencyVersionsTest {

  @Test
  void junit_isTheProjectsOwnVersion() {
    assertEquals("5.10.2", Test.class.getPackage().getImplementationVersion());
  }

  @Test
  void amqpClient_isTheOneSpringAmqpChose() {
    assertEquals("5.22.0", ClientVersion.VERSION);
  }
}
