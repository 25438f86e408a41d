package io.brokersim.core.actor;

import io.brokersim.core.fault.Boundary;
import io.brokersim.core.fault.FaultDecision;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.model.Message;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.PublishConfirms;
import io.brokersim.core.model.RoutingSnapshot;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.profile.DirectReplyTo;
import io.brokersim.core.profile.ExpirationRule;
import io.brokersim.core.trace.TraceEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publishing half of a channel: it routes each {@code basic.publish} against the routing snapshot
 * inside the channel and hands the message straight to its queues (or, for a direct reply, to the
 * requester's channel). Everything it sends the client — {@code basic.return}, confirms, the
 * {@code channel.close} of a failed publish — it sends while handling that publish, so they leave in the
 * order a broker's channel process sends them: a 404 on a missing exchange precedes the answer to any
 * method sent after the publish; a return precedes the confirm of the same publish.
 */
final class Publisher {
  private final ChannelActor channel;
  private final Vhost vhost;
  private final BrokerContext broker;
  private final BrokerProfile profile;
  private PublishConfirms confirms;
  private long published;
  /** The open transaction of a transactional channel, or null. */
  private Transaction tx;
  /** True while a commit waits for its queues: {@code confirms} then tracks the commit, not the client. */
  private boolean committing;
  /** True while commit() hands the held publishes over; the commit cannot complete before they all went. */
  private boolean handingOver;

  Publisher(ChannelActor channel, Vhost vhost) {
    this.channel = channel;
    this.vhost = vhost;
    this.broker = vhost.broker();
    this.profile = broker.profile();
  }

  /** {@code confirm.select}: publishes from now on are confirmed. False on a transactional channel. */
  boolean selectConfirms() {
    if (tx != null) {
      return false;
    }
    if (confirms == null) {
      confirms = new PublishConfirms();
    }
    return true;
  }

  /** {@code tx.select}: publishes and acks are held until commit. False on a confirm channel. */
  boolean selectTransactions() {
    if (confirms != null && !committing) {
      return false;
    }
    if (tx == null) {
      tx = new Transaction();
    }
    return true;
  }

  /** Whether the channel is in confirm mode. */
  boolean confirming() {
    return confirms != null;
  }

  /** The open transaction, or null when the channel is not transactional. */
  Transaction transaction() {
    return tx;
  }

  /** The channel closed: unconfirmed publishes are never confirmed; uncommitted ones never happened. */
  void forgetConfirms() {
    confirms = null;
    committing = false;
    if (tx != null) {
      dropHeld("its channel " + channel.id() + " closed before tx.commit");
    }
  }

  /**
   * {@code tx.commit}: the held publishes go to their queues (returns for the unroutable mandatory ones go
   * out now), then the held acks take effect. Returns true when commit-ok must wait for the queues to
   * accept; the channel then hears {@link ChannelActor#committed()}.
   */
  boolean commit() {
    List<Transaction.Held> held = tx.takePublishes();
    confirms = new PublishConfirms();
    committing = true;
    handingOver = true;
    if (profile.commitSettlesBeforePublishes()) {
      applyHeldSettles();
    }
    for (Transaction.Held h : held) {
      if (h instanceof Transaction.HeldUnrouted u) {
        routeAtCommit(u, confirms.nextSeq());
      } else if (h instanceof Transaction.HeldPublish p) {
        deliverRouted(p.message(), p.exchange(), p.targets(), p.mandatory(), confirms.nextSeq(), p.note(), true);
      } else if (h instanceof Transaction.HeldReply r) {
        long seq = confirms.nextSeq();
        if (directReply(r.message(), r.mandatory(), seq, true) != null) {
          // Not a reply after all (only LavinMQ, which does not hold replies): nothing to route now.
          confirmUnrouted(seq);
        }
      }
    }
    applyHeldSettles();
    handingOver = false;
    if (confirms.outstanding() == 0) {
      committing = false;
      confirms = null;
      return false;
    }
    return true;
  }

  private void applyHeldSettles() {
    for (Transaction.HeldSettle s : tx.takeSettles()) {
      channel.deliveries().applySettle(s.settled(), s.kind(), s.methodName());
    }
  }

  /**
   * LavinMQ's commit of a publish held unrouted: routed against the topology of now. An exchange deleted
   * since the publish routes nothing (LavinMQ's publish at commit finds no exchange and reports the message
   * unroutable; the channel stays open).
   */
  private void routeAtCommit(Transaction.HeldUnrouted u, long seq) {
    Message msg = u.message();
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = s.exchange(msg.exchange());
    if (x == null) {
      broker.trace().record(new TraceEvent.Routed(msg.msgId(), msg.exchange(), msg.routingKey(), List.of()));
      if (u.mandatory()) {
        returnOrDiscard(msg, 312, "NO_ROUTE", true);
      } else {
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "unroutable",
            "exchange '" + msg.exchange() + "' was deleted before tx.commit"));
      }
      confirmUnrouted(seq);
      return;
    }
    routeTo(s, x, msg, u.mandatory(), u.immediate(), seq, null, true);
  }

  /** {@code tx.rollback}: held publishes never happened; held acks are undone (the deliveries stay unacked). */
  void rollback() {
    dropHeld("was rolled back");
    for (Transaction.HeldSettle s : tx.takeSettles()) {
      channel.deliveries().restore(s.settled());
    }
  }

  private void dropHeld(String why) {
    for (Transaction.Held h : tx.takePublishes()) {
      Message m = h.message();
      if (h instanceof Transaction.HeldPublish p && !p.targets().isEmpty()) {
        for (RoutingSnapshot.QueueNode<QueueHandle> q : p.targets()) {
          broker.trace().record(new TraceEvent.Discarded(m.msgId(), q.name(), TraceEvent.Discarded.CAUSE_ROLLED_BACK,
              why));
        }
      } else {
        broker.trace().record(new TraceEvent.Discarded(m.msgId(), null, TraceEvent.Discarded.CAUSE_ROLLED_BACK, why));
      }
    }
  }

  /** A publish as the client sent it. */
  void publish(ClientMethod.BasicPublish p) {
    if (p.immediate() && profile.immediateHandling() == BrokerProfile.ImmediateHandling.CONNECTION_ERROR_540) {
      channel.raise(profile.immediateNotImplemented());
      return;
    }
    BasicProperties props = p.properties() == null ? BasicProperties.EMPTY : p.properties();
    AmqpError replyError = null;
    if (profile.isReplyPseudoName(props.replyTo())) {
      // Direct reply-to (§1.3): the pseudo name becomes this channel's reply name, or the publish fails.
      String replyName = channel.deliveries().replyName();
      if (replyName == null) {
        replyError = profile.replyConsumerMissing();
      } else {
        props = props.withReplyTo(replyName);
      }
    }
    AmqpError expirationError = ExpirationRule.validate(profile, props);
    AmqpError userIdError = props.userId() != null && !props.userId().equals(channel.user())
        ? profile.userIdMismatch(props.userId(), channel.user()) : null;
    // After the exchange checks, in each broker's order: RabbitMQ reply-to, user_id (check_user_id_header),
    // expiration; LavinMQ expiration, reply-to, user_id (§1.3, §2.5).
    AmqpError precheck = profile.checksReplyToBeforeExpiration()
        ? firstOf(replyError, userIdError, expirationError)
        : firstOf(expirationError, replyError, userIdError);
    // Sender-selected distribution (§3.8): CC and BCC add routing keys; BCC is not delivered.
    Map<String, Object> headers = props.headers();
    String badHeader = Message.routingHeaderError(headers, profile.routingHeaderArraysMustHoldStrings());
    if (precheck == null && badHeader != null) {
      precheck = profile.invalidRoutingHeader(badHeader, headers.get(badHeader));
    }
    List<String> bcc = List.of();
    if (headers != null && headers.containsKey(Message.BCC) && badHeader == null) {
      bcc = Message.headerKeys(headers, Message.BCC);
      Map<String, Object> visible = new LinkedHashMap<>(headers);
      visible.remove(Message.BCC);
      props = props.withHeaders(visible);
    }
    String msgId = channel.id() + "#" + (++published);
    Message msg = new Message(msgId, p.exchange(), p.routingKey(), props, p.body(), bcc);
    long seq = confirms == null ? 0 : confirms.nextSeq();
    broker.trace().record(new TraceEvent.Published(msgId, channel.id(), p.exchange(), p.routingKey(), p.mandatory(),
        p.immediate(), props.correlationId(), props.replyTo(), props.messageId(), msg.bodySize()));
    if (precheck == null) {
      FaultDecision d = FaultPoints.decide(broker, Boundary.PUBLISH_RECEIVED, msg, null, null, channel.connectionId(),
          channel.clientName(), channel.id());
      if (!d.isEmpty() && publishReceivedFaults(d, msg, p, seq)) {
        return;
      }
    }
    route(msg, p.mandatory(), p.immediate(), seq, precheck, true);
  }

  private static AmqpError firstOf(AmqpError... errors) {
    for (AmqpError e : errors) {
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  /** Applies the publish-received decision; true when it took the publish. */
  private boolean publishReceivedFaults(FaultDecision d, Message msg, ClientMethod.BasicPublish p, long seq) {
    FaultPoints.recordAndApplyElsewhere(vhost, d, channel.site(null), msg.msgId());
    String takenBy = d.close() != null ? d.close().rule() : d.dropRule();
    if (takenBy != null) {
      broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "fault", takenBy));
      nack(seq);
      if (d.close() != null) {
        channel.faultClose(d.close());
      }
      return true;
    }
    if (d.delay() != null) {
      channel.schedule(d.delay(), new ChannelActor.DelayedRoute(msg, p.mandatory(), p.immediate(), seq));
    } else {
      route(msg, p.mandatory(), p.immediate(), seq, null, true);
    }
    // Copies are routed as publishes of their own, without confirms.
    for (int k = 1; k <= d.duplicateRules().size(); k++) {
      route(msg.withId(FaultDecision.duplicateId(msg.msgId(), k)), p.mandatory(), p.immediate(), 0, null, true);
    }
    return true;
  }

  /**
   * Routes a message of this channel's. {@code open} is false for a publish delayed by a fault whose
   * channel has closed since: it still reaches its queues, but nothing goes back to the client.
   */
  void route(Message msg, boolean mandatory, boolean immediate, long seq, AmqpError precheck, boolean open) {
    route(msg, mandatory, immediate, seq, precheck, open, true);
  }

  /** As above; {@code asReply} false once the message was resolved as a reply and turned out not to be one. */
  private void route(Message msg, boolean mandatory, boolean immediate, long seq, AmqpError precheck, boolean open,
      boolean asReply) {
    RoutingSnapshot<ExchangeHandle, QueueHandle> s = vhost.topology().current();
    String exchange = msg.exchange();
    RoutingSnapshot.ExchangeNode<ExchangeHandle> x = s.exchange(exchange);
    // The exchange is checked first, then the reply-to and expiration problems found earlier (§1.3).
    AmqpError refused = x == null ? profile.exchangeNotFound(MethodRef.BASIC_PUBLISH, exchange, vhost.name())
        : x.spec().internal() ? profile.internalExchangePublish(exchange, vhost.name()) : precheck;
    if (refused != null) {
      broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "unroutable", refused.text()));
      if (open) {
        channel.raise(refused);
      }
      return;
    }
    String note = null;
    if (asReply && DirectReplyTo.isReply(profile, exchange, msg.routingKey())) {
      if (tx != null && !profile.directRepliesBypassTransactions()) {
        tx.hold(new Transaction.HeldReply(msg, mandatory));
        return;
      }
      note = directReply(msg, mandatory, seq, open);
      if (note == null) {
        return;
      }
      note = note.isEmpty() ? null : note;
    }
    if (tx != null && profile.transactionsRouteAtCommit()) {
      tx.hold(new Transaction.HeldUnrouted(msg, mandatory, immediate)); // routed at commit
      return;
    }
    routeTo(s, x, msg, mandatory, immediate, seq, note, open);
  }

  /** Routing proper: the exchange graph, LavinMQ's immediate check, then the hand-over (or the hold). */
  private void routeTo(RoutingSnapshot<ExchangeHandle, QueueHandle> s, RoutingSnapshot.ExchangeNode<ExchangeHandle> x,
      Message msg, boolean mandatory, boolean immediate, long seq, String note, boolean open) {
    String exchange = x.name();
    List<RoutingSnapshot.QueueNode<QueueHandle>> targets = s.route(x, msg.routingKeys(), msg.properties().headers());
    if (immediate && !anyReady(targets)) {
      // LavinMQ (§3.2): unless some matched queue has a consumer ready now, the message goes nowhere and
      // comes back as 313 NO_CONSUMERS, mandatory or not.
      broker.trace().record(new TraceEvent.Routed(msg.msgId(), exchange, msg.routingKey(), List.of()));
      returnOrDiscard(msg, 313, "NO_CONSUMERS", open);
      confirmUnrouted(seq);
      return;
    }
    broker.trace().record(new TraceEvent.Routed(msg.msgId(), exchange, msg.routingKey(), Router.names(targets)));
    if (tx != null && !handingOver) {
      tx.hold(new Transaction.HeldPublish(msg, x, targets, mandatory, note)); // to the queues at commit
      return;
    }
    deliverRouted(msg, x, targets, mandatory, seq, note, open);
  }

  /**
   * What follows routing: the return or the drop of an unroutable message, the routed fault boundary, the
   * confirm bookkeeping, the hand-over to the queues, and a dead-reply-channel close after it.
   */
  private void deliverRouted(Message msg, RoutingSnapshot.ExchangeNode<ExchangeHandle> x,
      List<RoutingSnapshot.QueueNode<QueueHandle>> targets, boolean mandatory, long seq, String note, boolean open) {
    String exchange = x.name();
    List<String> names = Router.names(targets);
    if (targets.isEmpty()) {
      if (mandatory) {
        returnOrDiscard(msg, 312, "NO_ROUTE", open);
      } else {
        broker.trace().record(new TraceEvent.Discarded(msg.msgId(), null, "unroutable", note != null ? note
            : "no binding of exchange '" + exchange + "' matched routing key '" + msg.routingKey() + "'"));
      }
    }
    FaultDecision d = FaultPoints.decide(broker, Boundary.ROUTED, msg, names.isEmpty() ? null : names.get(0), null,
        channel.connectionId(), channel.clientName(), channel.id());
    FaultPoints.recordAndApplyElsewhere(vhost, d, new FaultDecision.Site("exchange:" + exchange, channel.id(),
        channel.connectionId(), names.isEmpty() ? null : names.get(0)), msg.msgId());
    boolean confirmed = seq > 0 && confirms != null;
    if (d.dropRule() != null) {
      nack(seq);
    } else if (confirmed) {
      confirms.routed(seq, targets.size());
      flushConfirms();
    }
    if (!targets.isEmpty()) {
      Router.deliver(d, x, targets, names, msg, seq, confirmed ? channel.self() : null);
    }
    if (d.close() != null && open) {
      // The dead reply channel: the request reached its queues, then the requester's channel dies.
      channel.faultClose(d.close());
    }
  }

  private static boolean anyReady(List<RoutingSnapshot.QueueNode<QueueHandle>> targets) {
    for (RoutingSnapshot.QueueNode<QueueHandle> q : targets) {
      if (q.handle().ready().get()) {
        return true;
      }
    }
    return false;
  }

  /** {@code basic.return} before the confirm of the same publish (semantics §3.1). */
  private void returnOrDiscard(Message m, int code, String text, boolean open) {
    if (open) {
      channel.send(new Outbound.BasicReturn(code, text, m.exchange(), m.routingKey(), m.properties(), m.body()));
      broker.trace().record(new TraceEvent.Returned(m.msgId(), channel.id(), code, text));
    } else {
      broker.trace().record(new TraceEvent.Discarded(m.msgId(), null, "unroutable",
          "mandatory and unroutable, but the publishing channel " + channel.id() + " closed before the return"));
    }
  }

  /**
   * A publish whose routing key is a reply name (§1.4–§1.6), resolved here and delivered straight to the
   * requester's channel. Returns null when handled, or (LavinMQ, unknown name) a note explaining a later
   * drop, to route the publish normally.
   */
  private String directReply(Message msg, boolean mandatory, long seq, boolean open) {
    String name = msg.routingKey();
    ReplyNames.Live requester = vhost.replyNames().live(name);
    if (requester != null) {
      FaultDecision d = FaultPoints.decide(broker, Boundary.REPLY_RESOLVED, msg, "reply:" + name,
          requester.consumerTag(), requester.connectionId(), requester.clientName(), requester.channelId());
      if (!d.isEmpty()) {
        FaultPoints.recordAndApplyElsewhere(vhost, d, new FaultDecision.Site(requester.channelId(),
            requester.channelId(), requester.connectionId(), "reply:" + name), msg.msgId());
        if (replyResolvedFaults(d, msg, requester, mandatory, seq)) {
          return null;
        }
      }
    }
    return resolveReply(msg, requester, mandatory, seq, open);
  }

  /**
   * A reply a fault delayed: resolved now against whoever holds its name now, and routed normally if it
   * turns out not to be a reply (LavinMQ).
   */
  void delayedReply(Message msg, boolean mandatory, long seq, boolean open) {
    String note = resolveReply(msg, vhost.replyNames().live(msg.routingKey()), mandatory, seq, open);
    if (note != null) {
      route(msg, mandatory, false, seq, null, open, false);
    }
  }

  /**
   * Delivers a reply now or drops it, with the trace saying which and why; or, when it is not a reply after
   * all (LavinMQ, unknown name), returns a note ("" for none) for routing it normally. Null when handled.
   */
  private String resolveReply(Message msg, ReplyNames.Live requester, boolean mandatory, long seq, boolean open) {
    String name = msg.routingKey();
    DirectReplyTo.Resolution r = DirectReplyTo.resolve(profile, requester != null, mandatory);
    switch (r.action()) {
      case DELIVER -> {
        broker.trace().record(new TraceEvent.ReplyRouted(msg.msgId(), name, requester.channelId()));
        requester.channel().tell(new ChannelActor.DirectReply(name, requester.consumerTag(), msg));
      }
      case DROP -> broker.trace().record(new TraceEvent.ReplyDropped(msg.msgId(), name,
          reasonOrDefault(name, "no requester ever held reply name '" + name + "'")));
      case ROUTE_NORMALLY -> {
        String why = vhost.replyNames().deathReason(name);
        return why == null ? "" : "reply name '" + name + "' is no longer live: " + why + "; no queue has that name either";
      }
    }
    if (r.returnToPublisher() && open) {
      channel.send(new Outbound.BasicReturn(312, "NO_ROUTE", msg.exchange(), name, msg.properties(), msg.body()));
      broker.trace().record(new TraceEvent.Returned(msg.msgId(), channel.id(), 312, "NO_ROUTE"));
    }
    confirmUnrouted(seq);
    return null;
  }

  private String reasonOrDefault(String name, String fallback) {
    String why = vhost.replyNames().deathReason(name);
    return why != null ? why : fallback;
  }

  /**
   * Applies the reply-resolved decision; true when it handled the reply (dropped, delayed, delivered with
   * copies, requester closed).
   */
  private boolean replyResolvedFaults(FaultDecision d, Message msg, ReplyNames.Live requester, boolean mandatory,
      long seq) {
    String name = msg.routingKey();
    if (d.close() != null) {
      requester.channel().tell(new ChannelActor.FaultClose(d.close()));
      broker.trace().record(new TraceEvent.ReplyDropped(msg.msgId(), name, "fault rule '" + d.close().rule()
          + "' closed the requester's " + (d.close().kind() == io.brokersim.core.fault.Effect.Kind.CLOSE_CHANNEL
          ? "channel " + requester.channelId() : "connection " + requester.connectionId())
          + " before the reply arrived"));
      confirmUnrouted(seq);
      return true;
    }
    if (d.dropRule() != null) {
      broker.trace().record(new TraceEvent.ReplyDropped(msg.msgId(), name,
          "fault rule '" + d.dropRule() + "' dropped the reply"));
      confirmUnrouted(seq);
      return true;
    }
    if (d.delay() == null && d.duplicateRules().isEmpty()) {
      return false;
    }
    if (d.delay() != null) {
      channel.schedule(d.delay(), new ChannelActor.DelayedReply(msg, mandatory, seq));
    } else {
      resolveReply(msg, requester, mandatory, seq, true);
    }
    for (int k = 1; k <= d.duplicateRules().size(); k++) {
      Message dup = msg.withId(FaultDecision.duplicateId(msg.msgId(), k));
      if (d.delay() != null) {
        channel.schedule(d.delay(), new ChannelActor.DelayedReply(dup, false, 0));
      } else {
        resolveReply(dup, requester, false, 0, true);
      }
    }
    return true;
  }

  // ------------------------------------------------------------------------ confirms

  /** A publish that reached no queue (or a direct reply): confirmed as soon as the earlier ones are. */
  private void confirmUnrouted(long seq) {
    if (seq > 0 && confirms != null) {
      confirms.routed(seq, 0);
      flushConfirms();
    }
  }

  private void nack(long seq) {
    if (seq > 0 && confirms != null) {
      confirms.routed(seq, 0);
      confirms.nack(seq);
      flushConfirms();
    }
  }

  /** A queue accepted or refused its copy of publish {@code seq}. */
  void queueResult(long seq, boolean accepted) {
    if (confirms != null) {
      confirms.queueResult(seq, accepted);
      flushConfirms();
    }
  }

  private void flushConfirms() {
    if (committing) {
      confirms.release();
      if (confirms.outstanding() == 0 && !handingOver) {
        committing = false;
        confirms = null;
        channel.committed();
      }
      return;
    }
    for (PublishConfirms.Confirm c : confirms.release()) {
      channel.send(c.ack() ? new Outbound.BasicAck(c.seq(), c.multiple()) : new Outbound.BasicNack(c.seq(),
          c.multiple()));
      broker.trace().record(new TraceEvent.ConfirmSent(channel.id(), c.seq(), c.multiple(), c.ack()));
    }
  }
}
