package io.brokersim.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.cli.Brokersim;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CallbackQueueDemoTest {

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void run_everyProfile_everyCallAnsweredOnce(String profile) {
    CallbackQueueDemo.Result r = CallbackQueueDemo.run(1, BrokerProfile.byName(profile).orElseThrow(), 5, 20, null);
    assertTrue(r.passed(), r.toString());
    assertEquals(100, r.replies());
    assertEquals(0, r.stillLive());
  }

  @Test
  void run_sameSeedTwice_sameTraceHash_otherSeedDiffers() {
    String a = CallbackQueueDemo.run(3, BrokerProfile.LAVINMQ, 3, 10, null).traceSha256();
    String b = CallbackQueueDemo.run(3, BrokerProfile.LAVINMQ, 3, 10, null).traceSha256();
    String c = CallbackQueueDemo.run(4, BrokerProfile.LAVINMQ, 3, 10, null).traceSha256();
    assertEquals(a, b);
    assertNotEquals(a, c);
  }

  @Test
  void cli_unknownProfile_exit2() {
    assertEquals(2, Brokersim.execute("demo", "--profile", "activemq"));
    assertEquals(2, Brokersim.execute("demo", "--no-such-option"));
  }

  @Test
  void cli_demo_exit0() {
    assertEquals(0, Brokersim.execute("demo", "--clients", "2", "--calls", "3"));
  }
}
