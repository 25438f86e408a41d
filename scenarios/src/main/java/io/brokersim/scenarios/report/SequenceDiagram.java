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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws a run as a sequence diagram ({@link Diagram}; the Markdown report writes it as Mermaid): client connections,
 * exchanges and queues (and the direct reply-to registry when the core has one) as participants; publish, route,
 * deliver, ack, return and drop as messages; connection and channel closes, queue deletions, faults, timeouts and
 * discarded replies as notes.
 *
 * <p>It tells the story of the calls that matter: in a failed run, the calls the failed expectations name (at most
 * {@value #MAX_FOCUS}); otherwise all calls of a run of up to {@value #SMALL_RUN}, else the ones that went wrong (or
 * the first {@value #SAMPLE_CALLS}). Only those calls' messages are drawn, and closes, deletions and faults only
 * where they touch those calls' connections, queues and messages (a broker restart touches everyone); the other
 * calls are summarised in one line. It stops after {@value #MAX_STEPS} steps with a line saying how many it left
 * out. Text is reduced to characters Mermaid accepts in messages: no {@code ;} (a statement separator), no {@code #}
 * (entity codes), no quotes, no angle brackets.
 */
public final class SequenceDiagram {

  /** Calls drawn when none went wrong. */
  public static final int SAMPLE_CALLS = 2;
  /** Failing calls drawn at most. */
  public static final int MAX_FOCUS = 5;
  /** A run with at most this many calls is drawn whole. */
  public static final int SMALL_RUN = 4;
  /** Messages and notes drawn at most. */
  public static final int MAX_STEPS = 70;
  private static final int MAX_TEXT = 90;
  private static final int MAX_QUEUE_NAME = 16;
  private static final String REGISTRY = "registry";
  /** How a fault's target names an exchange (a drop at routed is carried out by the exchange's actor). */
  private static final String EXCHANGE_TARGET = "exchange:";
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
  private final List<Diagram.Step> steps = new ArrayList<>();
  /** Connections, exchanges and queues the drawn calls touch (participant keys): where closes and faults are drawn. */
  private final Set<String> involved = new HashSet<>();
  /** The message and call of the event being drawn, for the steps it makes. */
  private String currentMsg;
  private String currentCall;
  private int omittedSteps;

  private SequenceDiagram() {}

  /** The diagram of {@code result}, as the lines of a Mermaid block (without the fences). */
  public static List<String> of(ScenarioResult result) {
    return diagram(result).mermaid();
  }

  /** The diagram of {@code result}. */
  public static Diagram diagram(ScenarioResult result) {
    return new SequenceDiagram().draw(result);
  }

  private Diagram draw(ScenarioResult result) {
    for (TraceRecord r : result.trace()) {
      index(r.event());
    }
    Set<String> focus = focus(result);
    boolean everyMessage = result.calls().isEmpty();
    involve(result, focus, everyMessage);

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

    List<Diagram.Participant> participants = new ArrayList<>();
    for (Map.Entry<String, String> p : participantIds.entrySet()) {
      participants.add(new Diagram.Participant(p.getValue(), participantLabels.get(p.getKey())));
    }
    String first = participants.isEmpty() ? null : participants.get(0).id();
    String last = participants.size() < 2 ? null : participants.get(participants.size() - 1).id();
    List<Diagram.Step> drawn = new ArrayList<>(steps.size());
    for (Diagram.Step s : steps) {
      drawn.add(!WHOLE_DIAGRAM.equals(s.from()) ? s
          : new Diagram.Step(first, null, last, s.text(), s.msgId(), s.correlationId()));
    }
    List<String> footnotes = new ArrayList<>();
    if (omittedSteps > 0) {
      footnotes.add(omittedSteps + " more steps not shown, see the trace");
    }
    String others = otherCalls(result.calls(), focus);
    if (others != null) {
      footnotes.add(others);
    }
    return new Diagram(participants, drawn, footnotes);
  }

  /**
   * The calls worth drawing: in a failed run the ones the failed expectations name; otherwise all of them in a small
   * run (the answered ones are the comparison), else every call that did not simply get its one reply (or whose
   * reply came back to its responder), else the first few. At most {@link #MAX_FOCUS} when many went wrong.
   */
  private static Set<String> focus(ScenarioResult result) {
    List<ScenarioResult.CallReport> calls = result.calls();
    Set<String> focus = new LinkedHashSet<>();
    for (String id : result.failingCalls()) {
      if (focus.size() < MAX_FOCUS) {
        focus.add(id);
      }
    }
    if (!focus.isEmpty()) {
      return focus;
    }
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
    if (calls.size() > SMALL_RUN && focus.size() > MAX_FOCUS) {
      Set<String> first = new LinkedHashSet<>();
      for (String id : focus) {
        if (first.size() < MAX_FOCUS) {
          first.add(id);
        }
      }
      return first;
    }
    return focus;
  }

  /** "98 more calls not shown: 95 answered once, 3 timed out", or null when every call is drawn. */
  private static String otherCalls(List<ScenarioResult.CallReport> calls, Set<String> focus) {
    Map<String, Integer> byOutcome = new LinkedHashMap<>();
    int others = 0;
    for (ScenarioResult.CallReport c : calls) {
      if (!focus.contains(c.call().correlationId())) {
        others++;
        String what = c.call().answeredOnce() ? "answered once"
            : c.call().outcome() == RpcCall.Outcome.ANSWERED ? "answered, not simply once"
            : c.call().outcomeText().replaceAll(" at t=.*", "").replaceAll(" \\(.*", "");
        byOutcome.merge(what, 1, Integer::sum);
      }
    }
    if (others == 0) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Integer> e : byOutcome.entrySet()) {
      parts.add(e.getValue() + " " + e.getKey());
    }
    return others + (others == 1 ? " more call" : " more calls") + " not shown: " + String.join(", ", parts);
  }

  /**
   * Marks what the drawn calls touch: the connections that publish, get and settle their messages and whose names
   * their log entries carry, the exchanges and queues they pass, and their callback queues.
   */
  private void involve(ScenarioResult result, Set<String> focus, boolean everyMessage) {
    for (TraceRecord r : result.trace()) {
      if (!(r.event() instanceof TraceEvent.MessageEvent m)) {
        continue;
      }
      String corr = correlationOf.get(m.msgId());
      if (!everyMessage && (corr == null || !focus.contains(corr))) {
        continue;
      }
      if (m instanceof TraceEvent.Published x) {
        involved.add("conn:" + connectionOf(x.channel()));
        involved.add("exchange:" + x.exchange());
        if (x.replyTo() != null) {
          involved.add("queue:" + x.replyTo());
        }
        if (x.exchange().isEmpty()) {
          involved.add("queue:" + x.routingKey());
        }
      } else if (m instanceof TraceEvent.Routed x) {
        x.queues().forEach(q -> involved.add("queue:" + q));
      } else if (m instanceof TraceEvent.Enqueued x) {
        involved.add("queue:" + x.queue());
      } else if (m instanceof TraceEvent.Delivered x) {
        involved.add("conn:" + connectionOf(x.channel()));
        involved.add("queue:" + x.queue());
      } else if (m instanceof TraceEvent.Acked x) {
        involved.add("conn:" + connectionOf(x.channel()));
      } else if (m instanceof TraceEvent.Returned x) {
        involved.add("conn:" + connectionOf(x.channel()));
      }
    }
    for (RpcLog.Entry e : result.log()) {
      String conn = connectionsByName.get(e.participant());
      if (conn != null && e.correlationId() != null && focus.contains(e.correlationId())) {
        involved.add("conn:" + conn);
      }
    }
  }

  private boolean involves(String key, boolean everyMessage) {
    return everyMessage || involved.contains(key);
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
    currentMsg = e instanceof TraceEvent.MessageEvent m ? m.msgId()
        : e instanceof TraceEvent.FaultInjected f ? f.msgId() : null;
    currentCall = currentMsg == null ? null : correlationOf.get(currentMsg);
    if (e instanceof TraceEvent.MessageEvent m) {
      String corr = correlationOf.get(m.msgId());
      if (!everyMessage && (corr == null || !focus.contains(corr))) {
        return;
      }
      drawMessageEvent(r, m);
    } else if (e instanceof TraceEvent.ConnectionClosed c && !involves("conn:" + c.conn(), everyMessage)) {
      closedConnections.add(c.conn());
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
    } else if (e instanceof TraceEvent.ChannelClosed c && !closedConnections.contains(connectionOf(c.channel()))
        && involves("conn:" + connectionOf(c.channel()), everyMessage)) {
      note(connection(c.channel()), time(r) + " channel " + channelNumber(c.channel()) + " closed by the "
          + c.initiator() + (c.code() == 200 ? "" : " with " + c.code() + " " + c.text()));
    } else if (e instanceof TraceEvent.QueueDeleted d && involves("queue:" + d.queue(), everyMessage)) {
      note(queue(d.queue()), time(r) + " queue deleted (" + d.reason() + ")"
          + (d.messagesDiscarded() == 0 ? "" : ", " + d.messagesDiscarded() + " messages with it"));
    } else if (e instanceof TraceEvent.ConsumerCancelled c
        && ("server".equals(c.initiator()) || "fault".equals(c.initiator()))
        && involves("conn:" + connectionOf(c.channel()), everyMessage)) {
      note(connection(c.channel()), time(r) + " consumer cancelled by the " + c.initiator());
    } else if (e instanceof TraceEvent.FaultInjected f && touchesFocus(f, focus, everyMessage)) {
      note(faultTarget(f.target()), time(r) + " fault rule " + f.rule() + ": " + f.action());
    }
  }

  /** A fault on a drawn call's message, on something the drawn calls touch, or on the whole broker. */
  private boolean touchesFocus(TraceEvent.FaultInjected f, Set<String> focus, boolean everyMessage) {
    if (everyMessage || f.target() == null || f.target().equals("broker")) {
      return true;
    }
    String corr = f.msgId() == null ? null : correlationOf.get(f.msgId());
    if (corr != null) {
      return focus.contains(corr);
    }
    return involved.contains("conn:" + connectionOf(f.target())) || involved.contains("queue:" + f.target())
        || involved.contains(f.target());
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
    String conn = connectionsByName.get(e.participant());
    if (conn == null || (e.correlationId() == null && !involved.isEmpty() && !involved.contains("conn:" + conn))) {
      return;
    }
    String who = connection(conn);
    currentMsg = null;
    currentCall = e.correlationId();
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
    if (target.startsWith(EXCHANGE_TARGET)) {
      return exchange(target.substring(EXCHANGE_TARGET.length()));
    }
    return queues.contains(target) ? queue(target) : exchange(target);
  }

  private String participant(String key, String label) {
    return participantIds.computeIfAbsent(key, k -> {
      participantLabels.put(k, clean(label));
      return "P" + (participantIds.size() + 1);
    });
  }

  // ------------------------------------------------------------------------------------------------ text

  private void arrow(String from, String arrow, String to, String text) {
    step(new Diagram.Step(from, arrow, to, clean(text), currentMsg, currentCall));
  }

  private void note(String over, String text) {
    step(new Diagram.Step(over, null, null, clean(text), currentMsg, currentCall));
  }

  private void step(Diagram.Step step) {
    if (steps.size() < MAX_STEPS) {
      steps.add(step);
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
