package io.brokersim.scenarios.report;

import io.brokersim.core.trace.TraceEvent;
import io.brokersim.core.trace.TraceRecord;
import io.brokersim.scenarios.RpcCall;
import io.brokersim.scenarios.RpcLog;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.VirtualTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws a run as a Mermaid {@code sequenceDiagram}: client connections, exchanges and queues (and the direct
 * reply-to registry when the core has one) as participants; publish, route, deliver, ack, return and drop as
 * messages; connection and channel closes, queue deletions, faults, timeouts and discarded replies as notes.
 *
 * <p>To stay readable it draws a run of up to {@value #SMALL_RUN} calls whole, and otherwise only the calls that
 * went wrong (or, in a run where nothing did, the first {@value #SAMPLE_CALLS}); it keeps structural events (closes,
 * deletions, faults) for everyone, and stops after
 * {@value #MAX_STEPS} steps with a note saying how many it left out. Text is reduced to characters Mermaid
 * accepts in messages: no {@code ;} (a statement separator), no {@code #} (entity codes), no quotes, no angle
 * brackets.
 */
public final class SequenceDiagram {

  /** Calls drawn when none went wrong. */
  public static final int SAMPLE_CALLS = 2;
  /** A run with at most this many calls is drawn whole. */
  public static final int SMALL_RUN = 4;
  /** Messages and notes drawn at most. */
  public static final int MAX_STEPS = 70;
  private static final int MAX_TEXT = 90;
  private static final int MAX_QUEUE_NAME = 16;
  private static final String REGISTRY = "registry";
  /** Stands for "over every participant" in a step until the participants are all known. */
  private static final String WHOLE_DIAGRAM = "\u0000all\u0000";

  private final Map<String, String> clientNames = new HashMap<>();
  private final Map<String, String> connectionsByName = new HashMap<>();
  private final Map<String, TraceEvent.Published> published = new HashMap<>();
  private final Map<String, String> correlationOf = new HashMap<>();
  /** Dead letters and fault duplicates, to the message they were made from. */
  private final Map<String, String> derivedFrom = new HashMap<>();
  private final Map<String, String> participantIds = new LinkedHashMap<>();
  private final Map<String, String> participantLabels = new LinkedHashMap<>();
  private final Set<String> queues = new HashSet<>();
  private final Set<String> closedConnections = new HashSet<>();
  /** Replies the reply-to registry resolved or dropped itself (so a return for them needs no lookup arrow). */
  private final Set<String> resolved = new HashSet<>();
  /** Messages routing sent nowhere (as opposed to publishes the broker refused before routing). */
  private final Set<String> routedNowhere = new HashSet<>();
  private final List<String> steps = new ArrayList<>();
  private int omittedSteps;

  private SequenceDiagram() {}

  /** The diagram of {@code result}, as the lines of a Mermaid block (without the fences). */
  public static List<String> of(ScenarioResult result) {
    return new SequenceDiagram().draw(result);
  }

  private List<String> draw(ScenarioResult result) {
    for (TraceRecord r : result.trace()) {
      index(r.event());
    }
    Set<String> focus = focus(result.calls());
    int otherCalls = result.calls().size() - focus.size();
    boolean everyMessage = result.calls().isEmpty();

    List<RpcLog.Entry> log = result.log();
    int next = 0;
    for (TraceRecord r : result.trace()) {
      while (next < log.size() && log.get(next).afterSeq() < r.seq()) {
        drawEntry(log.get(next++), focus);
      }
      drawEvent(r, focus, everyMessage);
    }
    while (next < log.size()) {
      drawEntry(log.get(next++), focus);
    }

    List<String> out = new ArrayList<>();
    out.add("sequenceDiagram");
    for (Map.Entry<String, String> p : participantIds.entrySet()) {
      out.add("  participant " + p.getValue() + " as " + participantLabels.get(p.getKey()));
    }
    String span = span();
    for (String step : steps) {
      out.add(span == null ? step : step.replace(WHOLE_DIAGRAM, span));
    }
    if (omittedSteps > 0 && span != null) {
      out.add("  Note over " + span + ": " + omittedSteps + " more steps not shown, see the trace file");
    }
    if (otherCalls > 0 && span != null) {
      out.add("  Note over " + span + ": " + otherCalls + (otherCalls == 1 ? " more call" : " more calls")
          + ", each answered once, not shown");
    }
    return out;
  }

  /**
   * The calls worth drawing: all of them in a small run (the answered ones are the comparison), else every call
   * that did not simply get its one reply (or whose reply came back to its responder), else the first few.
   */
  private static Set<String> focus(List<ScenarioResult.CallReport> calls) {
    Set<String> focus = new HashSet<>();
    for (ScenarioResult.CallReport c : calls) {
      RpcCall call = c.call();
      if (calls.size() <= SMALL_RUN || !call.answeredOnce() || call.timesReceived() != 1
          || call.repliesReturned() > 0) {
        focus.add(call.correlationId());
      }
    }
    if (focus.isEmpty()) {
      for (int i = 0; i < calls.size() && i < SAMPLE_CALLS; i++) {
        focus.add(calls.get(i).call().correlationId());
      }
    }
    return focus;
  }

  private void index(TraceEvent e) {
    if (e instanceof TraceEvent.ConnectionOpened o) {
      clientNames.put(o.conn(), o.clientName());
      connectionsByName.putIfAbsent(o.clientName(), o.conn());
    } else if (e instanceof TraceEvent.Published p) {
      published.put(p.msgId(), p);
      if (p.correlationId() != null) {
        correlationOf.put(p.msgId(), p.correlationId());
      }
    } else if (e instanceof TraceEvent.DeadLettered d && correlationOf.containsKey(d.msgId())) {
      correlationOf.put(d.newMsgId(), correlationOf.get(d.msgId()));
      derivedFrom.put(d.newMsgId(), d.msgId());
    } else if (e instanceof TraceEvent.FaultInjected f && f.newMsgId() != null
        && correlationOf.containsKey(f.msgId())) {
      correlationOf.put(f.newMsgId(), correlationOf.get(f.msgId()));
      derivedFrom.put(f.newMsgId(), f.msgId());
    } else if (e instanceof TraceEvent.QueueDeclared q) {
      queues.add(q.queue());
    }
  }

  // ---------------------------------------------------------------------------------------------- trace

  private void drawEvent(TraceRecord r, Set<String> focus, boolean everyMessage) {
    TraceEvent e = r.event();
    if (e instanceof TraceEvent.MessageEvent m) {
      String corr = correlationOf.get(m.msgId());
      if (!everyMessage && (corr == null || !focus.contains(corr))) {
        return;
      }
      drawMessageEvent(r, m);
    } else if (e instanceof TraceEvent.ConnectionClosed c) {
      // Its channels and consumers close with it: one note says it all.
      closedConnections.add(c.conn());
      String how = switch (c.initiator()) {
        case "transport" -> c.text() != null && c.text().startsWith("broker restart")
            ? "connection cut by the " + c.text() : "connection lost (no close handshake)";
        case "client" -> "connection closed by the client";
        case "fault" -> "connection closed by a fault";
        default -> "connection closed by the broker with " + c.code() + " " + c.text();
      };
      note(connection(c.conn()), time(r) + " " + how);
    } else if (e instanceof TraceEvent.ChannelClosed c && !closedConnections.contains(connectionOf(c.channel()))) {
      note(connection(c.channel()), time(r) + " channel " + channelNumber(c.channel()) + " closed by the "
          + c.initiator() + (c.code() == 200 ? "" : " with " + c.code() + " " + c.text()));
    } else if (e instanceof TraceEvent.QueueDeleted d) {
      note(queue(d.queue()), time(r) + " queue deleted (" + d.reason() + ")"
          + (d.messagesDiscarded() == 0 ? "" : ", " + d.messagesDiscarded() + " messages with it"));
    } else if (e instanceof TraceEvent.ConsumerCancelled c
        && ("server".equals(c.initiator()) || "fault".equals(c.initiator()))) {
      note(connection(c.channel()), time(r) + " consumer cancelled by the " + c.initiator());
    } else if (e instanceof TraceEvent.FaultInjected f) {
      note(faultTarget(f.target()), time(r) + " fault rule " + f.rule() + ": " + f.action());
    }
  }

  private void drawMessageEvent(TraceRecord r, TraceEvent.MessageEvent m) {
    TraceEvent.Published p = published.get(m.msgId());
    String label = label(m.msgId());
    if (m instanceof TraceEvent.Published x) {
      arrow(connection(x.channel()), "->>", exchange(x.exchange()), time(r) + " publish " + label
          + (x.mandatory() ? " (mandatory)" : ""));
    } else if (m instanceof TraceEvent.Routed x) {
      if (x.queues().isEmpty()) {
        routedNowhere.add(x.msgId());
      }
      for (String q : x.queues()) {
        arrow(exchange(x.exchange()), "->>", queue(q), "route " + label);
      }
    } else if (m instanceof TraceEvent.Delivered x) {
      String from = x.queue().startsWith(TraceEvent.REPLY_QUEUE_PREFIX) ? registry() : queue(x.queue());
      arrow(from, "->>", connection(x.channel()), "deliver " + label + (x.redelivered() ? " (redelivered)" : "")
          + (x.autoAck() ? " (no-ack)" : ""));
    } else if (m instanceof TraceEvent.Acked x) {
      arrow(connection(x.channel()), "-->>", queue(x.queue()), "ack " + label);
    } else if (m instanceof TraceEvent.Rejected x) {
      arrow(connection(x.channel()), "-->>", queue(x.queue()), x.method() + " " + label
          + (x.requeue() ? " (requeue)" : ""));
    } else if (m instanceof TraceEvent.Requeued x) {
      note(queue(x.queue()), label + " requeued (" + x.reason() + ")");
    } else if (m instanceof TraceEvent.Returned x) {
      String from = p == null ? registry() : exchange(p.exchange());
      if (p != null && isReplyName(p.routingKey()) && !resolved.contains(m.msgId())) {
        // A direct reply the registry could not resolve: draw the lookup before the return.
        arrow(from, "-x", registry(), "reply name of " + label + " not live");
      }
      arrow(from, "-->>", connection(x.channel()), time(r) + " basic.return " + x.code() + " " + x.text() + " for "
          + label);
    } else if (m instanceof TraceEvent.Discarded x) {
      drawDiscarded(r, x, p, label);
    } else if (m instanceof TraceEvent.Expired x) {
      note(queue(x.queue()), time(r) + " " + label + " expired");
    } else if (m instanceof TraceEvent.DeadLettered x) {
      note(queue(x.queue()), time(r) + " " + label + " dead-lettered (" + x.reason() + ") to "
          + exchangeName(x.deadLetterExchange()));
    } else if (m instanceof TraceEvent.DeadLetterHeld x) {
      note(queue(x.queue()), time(r) + " " + label + " held as a dead letter (" + x.reason() + "): " + x.detail());
    } else if (m instanceof TraceEvent.ReplyRouted x) {
      resolved.add(x.msgId());
      arrow(p == null ? registry() : exchange(p.exchange()), "->>", registry(), "resolve " + label);
    } else if (m instanceof TraceEvent.ReplyDropped x) {
      resolved.add(x.msgId());
      arrow(p == null ? registry() : exchange(p.exchange()), "-x", registry(), time(r) + " " + label
          + " dropped: " + x.reason());
    }
  }

  private void drawDiscarded(TraceRecord r, TraceEvent.Discarded x, TraceEvent.Published p, String label) {
    if (x.queue() != null) {
      note(queue(x.queue()), time(r) + " " + label + (TraceEvent.Discarded.CAUSE_FAULT.equals(x.cause())
          ? " dropped by fault rule " + x.detail() : " discarded (" + x.cause() + ")"));
      return;
    }
    String exchange = p == null ? null : exchange(p.exchange());
    // On the default exchange the routing key names the queue: draw the drop against the queue that is gone,
    // or, for a direct reply-to name (LavinMQ routes a dead one normally), against the reply-to registry.
    if (p != null && isReplyName(p.routingKey())) {
      arrow(exchange, "-x", registry(), time(r) + " " + label + " dropped: reply name not live, no queue either");
    } else if (p != null && p.exchange().isEmpty() && queues.contains(p.routingKey())) {
      arrow(exchange, "-x", queue(p.routingKey()), time(r) + " " + label + " dropped: no queue "
          + shortQueue(p.routingKey()));
    } else if (p != null && p.exchange().isEmpty() && TraceEvent.Discarded.CAUSE_UNROUTABLE.equals(x.cause())
        && routedNowhere.contains(x.msgId())) {
      note(exchange, time(r) + " " + label + " dropped: no queue is named " + quoted(p.routingKey()));
    } else if (exchange != null) {
      note(exchange, time(r) + " " + label + " dropped (" + x.cause() + ")");
    }
  }

  // ------------------------------------------------------------------------------------------ client log

  private void drawEntry(RpcLog.Entry e, Set<String> focus) {
    if (e.correlationId() != null && !focus.contains(e.correlationId())) {
      return;
    }
    String who = participantOf(e.participant());
    if (who == null) {
      return;
    }
    String at = VirtualTime.format(e.virtualNanos());
    switch (e.kind()) {
      case CALL_TIMED_OUT -> note(who, at + " " + e.correlationId() + " timed out (" + e.text() + ")");
      case REPLY_DISCARDED -> note(who, at + " discards the reply for " + e.correlationId() + ": " + e.text());
      case REPLY_ACCEPTED -> {
        if (!e.correlationId().equals(e.replyCorrelationId())) {
          note(who, at + " takes the reply for " + e.replyCorrelationId() + " as the answer to " + e.correlationId());
        }
      }
      case REPLY_NOT_SENT -> note(who, at + " never replies to " + e.correlationId() + ": " + e.text());
      case CALL_FAILED -> note(who, at + " " + e.correlationId() + " failed: " + e.text());
      case NOTE -> note(who, at + " " + e.text());
      case SCRIPT_ERROR -> note(who, at + " script error: " + e.text());
      default -> { }
    }
  }

  private String participantOf(String clientName) {
    String conn = connectionsByName.get(clientName);
    return conn == null ? null : connection(conn);
  }

  // ---------------------------------------------------------------------------------------- participants

  private String connection(String connOrChannel) {
    String conn = connectionOf(connOrChannel);
    return participant("conn:" + conn, clientNames.getOrDefault(conn, conn));
  }

  private static String connectionOf(String connOrChannel) {
    int slash = connOrChannel.indexOf('/');
    return slash < 0 ? connOrChannel : connOrChannel.substring(0, slash);
  }

  private String exchange(String name) {
    return participant("exchange:" + name, exchangeName(name));
  }

  private String queue(String name) {
    return participant("queue:" + name, "queue " + shortQueue(name));
  }

  private String registry() {
    return participant(REGISTRY, "reply-to registry");
  }

  private String faultTarget(String target) {
    if (target == null || target.equals("broker")) {
      // The whole broker: a note across the diagram, whose extent is known only at the end.
      return participantIds.isEmpty() ? registry() : WHOLE_DIAGRAM;
    }
    if (target.startsWith("conn-")) {
      return connection(target);
    }
    return queues.contains(target) ? queue(target) : exchange(target);
  }

  private String participant(String key, String label) {
    return participantIds.computeIfAbsent(key, k -> {
      participantLabels.put(k, clean(label));
      return "P" + (participantIds.size() + 1);
    });
  }

  private String span() {
    if (participantIds.isEmpty()) {
      return null;
    }
    List<String> ids = new ArrayList<>(participantIds.values());
    return ids.size() == 1 ? ids.get(0) : ids.get(0) + "," + ids.get(ids.size() - 1);
  }

  // ------------------------------------------------------------------------------------------------ text

  private void arrow(String from, String arrow, String to, String text) {
    step("  " + from + arrow + to + ": " + clean(text));
  }

  private void note(String over, String text) {
    step("  Note over " + over + ": " + clean(text));
  }

  private void step(String line) {
    if (steps.size() < MAX_STEPS) {
      steps.add(line);
    } else {
      omittedSteps++;
    }
  }

  /**
   * What a message is in RPC terms: "request client-1", "reply client-1", "dead letter of request client-2", or
   * its id.
   */
  private String label(String msgId) {
    String corr = correlationOf.get(msgId);
    if (corr == null) {
      return "message " + msgId;
    }
    String root = msgId;
    while (derivedFrom.containsKey(root)) {
      root = derivedFrom.get(root);
    }
    TraceEvent.Published p = published.get(root);
    String what = (p != null && p.replyTo() != null ? "request " : "reply ") + corr;
    if (root.equals(msgId)) {
      return what;
    }
    return (msgId.contains("~dup") ? "copy of " : "dead letter of ") + what;
  }

  /** A generated direct reply-to name (either broker's prefix), not a queue. */
  private static boolean isReplyName(String routingKey) {
    return routingKey != null && (routingKey.startsWith("amq.rabbitmq.reply-to.")
        || routingKey.startsWith("amq.direct.reply-to."));
  }

  private static String exchangeName(String name) {
    return name == null || name.isEmpty() ? "default exchange" : "exchange " + name;
  }

  private static String shortQueue(String name) {
    return name.length() <= MAX_QUEUE_NAME ? name : name.substring(0, MAX_QUEUE_NAME) + "...";
  }

  /** A name in quotes Mermaid keeps: the empty name as "(empty)". */
  private static String quoted(String name) {
    return name.isEmpty() ? "(empty)" : name;
  }

  private static String channelNumber(String channel) {
    int slash = channel.indexOf('/');
    return slash < 0 ? channel : channel.substring(slash + 1);
  }

  private static String time(TraceRecord r) {
    return VirtualTime.format(r.virtualNanos());
  }

  /**
   * Keeps text inside what Mermaid accepts in a message or note: {@code ;} ends a statement, {@code #} starts an
   * entity code, quotes must balance, {@code <} and {@code >} are read as HTML, {@code %%} starts a comment.
   */
  static String clean(String text) {
    String t = text.replace(';', ',').replace('#', '/').replace("\"", "").replace("'", "")
        .replace('<', '(').replace('>', ')').replace("%%", "%").replace('\n', ' ').replace('\r', ' ');
    return t.length() <= MAX_TEXT ? t : t.substring(0, MAX_TEXT - 3) + "...";
  }
}
