package io.brokersim.management;

import io.brokersim.core.trace.Fate;
import io.brokersim.core.trace.FateSummary;
import io.brokersim.core.trace.MessageFate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fate ledger's answers (message fates, RPC calls, the summary) as JSON documents with snake_case fields. */
final class FateJson {

  private FateJson() {}

  static Map<String, Object> message(MessageFate m) {
    Map<String, Object> o = Json.object();
    o.put("msg_id", m.msgId());
    o.put("channel", m.channel());
    o.put("exchange", m.exchange());
    o.put("routing_key", m.routingKey());
    o.put("mandatory", m.mandatory());
    o.put("correlation_id", m.correlationId());
    o.put("reply_to", m.replyTo());
    o.put("message_id", m.messageId());
    o.put("published_seq", m.publishedSeq());
    o.put("published_at_ms", millis(m.publishedNanos()));
    if (m.origin() != null) {
      Map<String, Object> origin = Json.object();
      origin.put("msg_id", m.origin().msgId());
      origin.put("how", m.origin().how());
      origin.put("queue", m.origin().queue());
      origin.put("reason", m.origin().reason());
      o.put("origin", origin);
    }
    o.put("derived", m.derived());
    o.put("routed_queues", m.routedQueues());
    o.put("return_code", m.returnCode());
    o.put("settled", m.settled());
    List<Map<String, Object>> copies = new ArrayList<>();
    for (MessageFate.Copy c : m.copies()) {
      Map<String, Object> copy = Json.object();
      copy.put("queue", c.queue());
      copy.put("state", lower(c.state().name()));
      copy.put("channel", c.channel());
      copy.put("consumer_tag", c.consumerTag());
      copy.put("delivery_tag", c.deliveryTag());
      copy.put("deliveries", c.deliveries());
      copy.put("fate", c.fate() == null ? null : fate(c.fate()));
      copies.add(copy);
    }
    o.put("copies", copies);
    return o;
  }

  private static Map<String, Object> fate(Fate f) {
    Map<String, Object> o = Json.object();
    o.put("kind", lower(f.kind().name()));
    o.put("seq", f.seq());
    o.put("at_ms", millis(f.virtualNanos()));
    o.put("channel", f.channel());
    o.put("code", f.code());
    o.put("detail", f.detail());
    return o;
  }

  static Map<String, Object> call(RpcCalls.Call c) {
    Map<String, Object> o = Json.object();
    o.put("correlation_id", c.correlationId());
    o.put("status", lower(c.status().name()));
    o.put("lost", c.lost());
    o.put("request_id", c.requestId());
    o.put("requester_channel", c.requesterChannel());
    o.put("reply_to", c.replyTo());
    o.put("queue", c.queue());
    o.put("request_fate", c.requestFate());
    o.put("reply_id", c.replyId());
    o.put("responder_channel", c.responderChannel());
    o.put("reply_fate", c.replyFate());
    o.put("published_at_ms", millis(c.publishedNanos()));
    return o;
  }

  static Map<String, Object> summary(FateSummary s, int settledKept) {
    Map<String, Object> o = Json.object();
    o.put("messages", s.messages());
    o.put("live_messages", s.liveMessages());
    o.put("forgotten", s.forgotten());
    o.put("settled_kept", settledKept == 0 ? null : settledKept);
    Map<String, Object> fates = Json.object();
    for (Fate.Kind k : Fate.Kind.values()) {
      if (s.count(k) > 0) {
        fates.put(lower(k.name()), s.count(k));
      }
    }
    o.put("fates", fates);
    o.put("dropped_by_rule", s.droppedByRule());
    Map<String, Object> returned = Json.object();
    s.returnedByCode().forEach((code, n) -> returned.put(String.valueOf(code), n));
    o.put("returned_by_code", returned);
    o.put("anomalies", s.anomalies());
    o.put("lines", s.lines());
    return o;
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
