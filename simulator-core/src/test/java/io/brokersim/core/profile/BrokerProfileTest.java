package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.QueueType;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BrokerProfileTest {

  @Test
  void byName_defaultIsLavinMq() {
    assertEquals(BrokerProfile.LAVINMQ, BrokerProfile.defaultProfile());
    assertEquals(BrokerProfile.RABBITMQ_4, BrokerProfile.byName("RabbitMQ-4").orElseThrow());
    assertTrue(BrokerProfile.byName("activemq").isEmpty());
  }

  @Test
  void queueNotFound_rabbitText_matchesBrokerFormat() {
    AmqpError e = BrokerProfile.RABBITMQ_3.queueNotFound(MethodRef.QUEUE_DECLARE, "x", "/");
    assertEquals("NOT_FOUND - no queue 'x' in vhost '/'", e.text());
    assertEquals(404, e.replyCode());
    assertEquals(50, e.classId());
    assertEquals(10, e.methodId());
    assertFalse(e.connectionScope());
  }

  @Test
  void immediate_rabbit540ConnectionError_lavinReturn313() {
    AmqpError e = BrokerProfile.RABBITMQ_4.immediateNotImplemented();
    assertEquals("NOT_IMPLEMENTED - immediate=true", e.text());
    assertTrue(e.connectionScope());
    assertEquals(BrokerProfile.ImmediateHandling.RETURN_313, BrokerProfile.LAVINMQ.immediateHandling());
  }

  @Test
  void prefetchSize_rabbitConnection_lavinChannel() {
    assertTrue(BrokerProfile.RABBITMQ_3.prefetchSizeError(10).connectionScope());
    assertFalse(BrokerProfile.LAVINMQ.prefetchSizeError(10).connectionScope());
    assertEquals("NOT_IMPLEMENTED - prefetch_size!=0 (10)", BrokerProfile.RABBITMQ_3.prefetchSizeError(10).text());
  }

  @Test
  void differences_perProfile() {
    assertEquals(65535, BrokerProfile.LAVINMQ.defaultConsumerPrefetch());
    assertEquals(0, BrokerProfile.RABBITMQ_3.defaultConsumerPrefetch());
    assertEquals(BrokerProfile.GlobalQos.TREATED_AS_PER_CONSUMER, BrokerProfile.RABBITMQ_4.globalQos());
    assertEquals(BrokerProfile.LastQueueScope.CONNECTION, BrokerProfile.LAVINMQ.lastQueueScope());
    assertEquals(8192, BrokerProfile.RABBITMQ_4.frameMaxMinimum());
    assertEquals(4096, BrokerProfile.RABBITMQ_3.frameMaxMinimum());
    assertTrue(BrokerProfile.RABBITMQ_4.refusesTransientNonExclusiveQueues());
    assertFalse(BrokerProfile.LAVINMQ.refusesTransientNonExclusiveQueues());
    assertTrue(BrokerProfile.RABBITMQ_3.consumerTagReuse("t").isPresent());
    assertTrue(BrokerProfile.LAVINMQ.consumerTagReuse("t").isEmpty());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rabbitmq-3 | 10abc | PRECONDITION_FAILED - invalid expiration '10abc': {leftover_string,\"abc\"}",
      "rabbitmq-3 | abc   | PRECONDITION_FAILED - invalid expiration 'abc': no_integer",
      "rabbitmq-3 | -5    | PRECONDITION_FAILED - invalid expiration '-5': {value_negative,-5}",
      "lavinmq    | abc   | PRECONDITION_FAILED - Expiration not a number",
      "lavinmq    | -5    | PRECONDITION_FAILED - Negative expiration not allowed",
  })
  void expiration_invalid_406WithProfileText(String profile, String value, String text) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    AmqpError e = ExpirationRule.validate(p, BasicProperties.builder().expiration(value).build());
    assertEquals(406, e.replyCode());
    assertEquals(text, e.text());
  }

  @Test
  void expiration_validValues_accepted() {
    assertNull(ExpirationRule.validate(BrokerProfile.RABBITMQ_3, BasicProperties.builder().expiration("0").build()));
    assertNull(ExpirationRule.validate(BrokerProfile.RABBITMQ_3, BasicProperties.builder().expiration("60000").build()));
    assertNull(ExpirationRule.validate(BrokerProfile.LAVINMQ, BasicProperties.EMPTY));
  }

  @Test
  void queueArguments_expiresZero_rabbitValueZero() {
    AmqpError e = QueueArguments.validateDeclare(BrokerProfile.RABBITMQ_3, QueueType.CLASSIC, "q", "/", Map.of("x-expires", 0));
    assertEquals("PRECONDITION_FAILED - invalid arg 'x-expires' for queue 'q' in vhost '/': {value_zero,0}", e.text());
    AmqpError l = QueueArguments.validateDeclare(BrokerProfile.LAVINMQ, QueueType.CLASSIC, "q", "/", Map.of("x-expires", 0));
    assertEquals("PRECONDITION_FAILED - x-expires header less than minimum value 1", l.text());
  }

  @Test
  void queueArguments_dlrkWithoutDlx_406() {
    AmqpError e = QueueArguments.validateDeclare(BrokerProfile.LAVINMQ, QueueType.CLASSIC, "q", "/", Map.of("x-dead-letter-routing-key", "k"));
    assertEquals(406, e.replyCode());
  }
}
