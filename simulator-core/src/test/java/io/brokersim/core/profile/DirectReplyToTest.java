package io.brokersim.core.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.runtime.Entropy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The direct reply-to rules the channels apply (semantics §1.4–§1.6), per profile. */
class DirectReplyToTest {

  /** The mandatory-reply table of §1.6: RabbitMQ 3.x returns even a delivered reply; 4.x never returns one. */
  @ParameterizedTest(name = "{0}: live {1}, mandatory {2} -> {3}, return {4}")
  @CsvSource({
      "lavinmq,    true,  false, DELIVER,        false",
      "lavinmq,    true,  true,  DELIVER,        false",
      "lavinmq,    false, true,  ROUTE_NORMALLY, false",
      "rabbitmq-3, true,  false, DELIVER,        false",
      "rabbitmq-3, true,  true,  DELIVER,        true",
      "rabbitmq-3, false, false, DROP,           false",
      "rabbitmq-3, false, true,  DROP,           true",
      "rabbitmq-4, true,  true,  DELIVER,        false",
      "rabbitmq-4, false, true,  DROP,           false",
  })
  void resolve_perProfile(String profile, boolean live, boolean mandatory, DirectReplyTo.Action action,
      boolean returned) {
    DirectReplyTo.Resolution r = DirectReplyTo.resolve(BrokerProfile.byName(profile).orElseThrow(), live, mandatory);
    assertEquals(action, r.action());
    assertEquals(returned, r.returnToPublisher());
  }

  @ParameterizedTest(name = "{0}: publish to ''{1}'' with {2} -> reply {3}")
  @CsvSource({
      "lavinmq,    '',           amq.direct.reply-to.tag, true",
      "lavinmq,    amq.direct,   amq.direct.reply-to.tag, true",
      "rabbitmq-3, '',           amq.rabbitmq.reply-to.g1h2AA.k, true",
      "rabbitmq-3, amq.direct,   amq.rabbitmq.reply-to.g1h2AA.k, false",
      "rabbitmq-3, '',           rpc_queue,               false",
  })
  void isReply_defaultExchangeEverywhere_anyExchangeOnLavinMq(String profile, String exchange, String key,
      boolean reply) {
    assertEquals(reply, DirectReplyTo.isReply(BrokerProfile.byName(profile).orElseThrow(), exchange, key));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void replyName_lavinMqUsesTheTag_rabbitMqIsOpaque(String profile) {
    BrokerProfile p = BrokerProfile.byName(profile).orElseThrow();
    String name = DirectReplyTo.replyName(p, "amq.ctag-abc", new Entropy(1));
    assertTrue(name.startsWith(p.replyNamePrefix()), name);
    assertTrue(p.isReplyName(name), name);
    if (p.isLavinMq()) {
      assertEquals(p.replyNamePrefix() + "amq.ctag-abc", name);
    } else {
      // 9 + 16 random bytes: at least 128 bits nobody can guess from the tag.
      assertTrue(name.length() >= p.replyNamePrefix().length() + 12 + 1 + 24, name);
    }
  }
}
