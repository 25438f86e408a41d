package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.MessageFate;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java client reuses the lowest free channel number: every opening of a number is a new channel in the trace
 * and the ledger, so message ids never collide and generated consumer tags differ, as on RabbitMQ.
 */
@Timeout(60)
class ChannelReuseIT {

  private static final int WAIT_SECONDS = 10;

  @Test
  void publishCloseReopenPublish_sameNumber_twoMessagesTwoChannelsLedgerBalances() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("reuse")) {
      Channel first = c.createChannel();
      int number = first.getChannelNumber();
      first.queueDeclare("jobs", true, false, false, null);
      first.confirmSelect();
      first.basicPublish("", "jobs", null, "one".getBytes(UTF_8));
      first.waitForConfirmsOrDie(WAIT_SECONDS * 1000L);
      first.close();

      Channel second = c.createChannel();
      assertEquals(number, second.getChannelNumber(), "the Java client reuses the lowest free number");
      second.confirmSelect();
      second.basicPublish("", "jobs", null, "two".getBytes(UTF_8));
      second.waitForConfirmsOrDie(WAIT_SECONDS * 1000L);

      List<MessageFate> jobs = b.broker.messages().toQueue("jobs").stillLive().assertCount(2).list();
      assertEquals(List.of("conn-1/ch-1#1", "conn-1/ch-1.2#1"), jobs.stream().map(MessageFate::msgId).toList());
      assertEquals(List.of("conn-1/ch-1", "conn-1/ch-1.2"), jobs.stream().map(MessageFate::channel).toList());
      assertTrue(b.broker.ledger().anomalies().isEmpty(), b.broker.ledger().anomalies().toString());
      for (String body : List.of("one", "two")) {
        GetResponse r = JavaClientIT.poll(second, "jobs");
        assertEquals(body, new String(r.getBody(), UTF_8));
      }
      b.broker.messages().toQueue("jobs").withFate(io.brokersim.core.trace.Fate.Kind.AUTO_ACKED).assertCount(2);
    }
  }

  /** Spring's caching connection factory after a channel error: the number comes back at once, for new work. */
  @Test
  void channelError_thenSameNumber_publishesAndConsumesUnderANewId() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("after-error")) {
      Channel ch = c.createChannel();
      int number = ch.getChannelNumber();
      ch.queueDeclare("jobs", true, false, false, null);
      ch.basicPublish("", "jobs", null, "before".getBytes(UTF_8));
      IOException e = assertThrows(IOException.class, () -> ch.exchangeDeclarePassive("missing"));
      assertEquals(404, JavaClientIT.channelClose(e).getReplyCode());
      assertThrows(AlreadyClosedException.class, () -> ch.basicPublish("", "jobs", null, new byte[0]));

      Channel again = c.createChannel();
      assertEquals(number, again.getChannelNumber());
      again.basicPublish("", "jobs", null, "after".getBytes(UTF_8));
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        GetResponse r = JavaClientIT.poll(again, "jobs");
        got.add(new String(r.getBody(), UTF_8));
      }

      assertEquals(List.of("before", "after"), got);
      b.broker.messages().published().assertCount(2);
      b.broker.messages().toQueue("jobs").consumed().assertCount(2);
      assertEquals(List.of("conn-1/ch-1#1", "conn-1/ch-1.2#1"),
          b.broker.messages().list().stream().map(MessageFate::msgId).toList());
    }
  }

  @Test
  void generatedConsumerTags_reopenedNumberAndOtherChannels_allDifferent() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection c = b.connect("tags")) {
      Channel setup = c.createChannel();
      setup.queueDeclare("jobs", true, false, false, null);
      setup.close();
      List<String> tags = new ArrayList<>();
      Set<Integer> numbers = new LinkedHashSet<>();
      for (int round = 0; round < 3; round++) {
        Channel ch = c.createChannel();
        numbers.add(ch.getChannelNumber());
        tags.add(ch.basicConsume("jobs", true, (tag, d) -> { }, tag -> { }));
        ch.close();
      }
      List<Channel> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Channel ch = c.createChannel();
        open.add(ch);
        tags.add(ch.basicConsume("jobs", true, (tag, d) -> { }, tag -> { }));
      }

      assertEquals(Set.of(1), numbers, "every round reopened channel 1");
      assertEquals(6, new LinkedHashSet<>(tags).size(), "six different tags: " + tags);
      assertTrue(tags.stream().allMatch(t -> t.startsWith("amq.ctag-")), tags.toString());
      for (Channel ch : open) {
        ch.close();
      }
      assertFalse(open.get(0).isOpen());
    }
  }
}
