package io.brokersim.core.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The broker's view of the messages of a run, read from the {@link FateLedger}: what was published, delivered,
 * acknowledged, returned or dropped, narrowed by queue, exchange, routing key, correlation_id and reply_to.
 *
 * <pre>{@code
 * sim.messages().toQueue("rpc_queue").withCorrelationId("req-1").acknowledged().assertCount(1);
 * MessageFate reply = sim.messages().withCorrelationId("req-1").replies().one();
 * }</pre>
 *
 * <p>A selection is immutable: every filter returns a new one, and every query reads the ledger afresh, so one
 * selection can be asserted again after more has happened. Filters about the message (exchange, routing key,
 * correlation_id, reply_to, request or reply) must all hold; filters about a copy (queue, delivered,
 * acknowledged, dropped, ...) must all hold for the same copy. A failed assertion names the run (seed and
 * profile), the selection, and the ledger's explanation of each message that matched all but the state
 * filters, so the message says what happened instead. A selection is an {@code Iterable<MessageFate>}, so
 * AssertJ's {@code assertThat(selection)} works on it as well.
 */
public final class Messages implements Iterable<MessageFate> {

  /** At most this many explanations go into a failure message. */
  public static final int MAX_EXPLAINED = 10;

  /** Copy fates that end a message without any consumer having it or a dead letter carrying it on. */
  private static final Set<Fate.Kind> DROPPED = EnumSet.of(Fate.Kind.DROPPED_UNROUTABLE, Fate.Kind.DROPPED_BY_FAULT,
      Fate.Kind.EXPIRED, Fate.Kind.PURGED, Fate.Kind.DELETED_WITH_QUEUE, Fate.Kind.DISCARDED_REJECTED,
      Fate.Kind.DROPPED_OVERFLOW, Fate.Kind.REPLY_DROPPED, Fate.Kind.DROPPED_CONSUMER_GONE, Fate.Kind.ROLLED_BACK,
      Fate.Kind.DROPPED_DELIVERY_LIMIT);

  /** Copy fates of a message a consumer got for good. */
  private static final Set<Fate.Kind> CONSUMED = EnumSet.of(Fate.Kind.ACKNOWLEDGED, Fate.Kind.AUTO_ACKED,
      Fate.Kind.DELIVERED_REPLY);

  /**
   * One filter: {@code subject} filters say which messages the test is about, state filters what must have
   * happened to them; a failure explains the messages that pass the subject filters.
   */
  private record Filter(String description, boolean subject, Predicate<MessageFate> message,
      Predicate<MessageFate.Copy> copy) {}

  private final FateLedger ledger;
  private final String run;
  private final List<Filter> filters;

  private Messages(FateLedger ledger, String run, List<Filter> filters) {
    this.ledger = ledger;
    this.run = run;
    this.filters = filters;
  }

  /**
   * Every message {@code ledger} knows; {@code run} names the run in failure messages, e.g.
   * {@code "seed 42, profile lavinmq"}.
   */
  public static Messages of(FateLedger ledger, String run) {
    return new Messages(Objects.requireNonNull(ledger, "ledger"), Objects.requireNonNull(run, "run"), List.of());
  }

  private Messages with(Filter f) {
    List<Filter> next = new ArrayList<>(filters);
    next.add(f);
    return new Messages(ledger, run, List.copyOf(next));
  }

  private Messages message(String description, boolean subject, Predicate<MessageFate> p) {
    return with(new Filter(description, subject, p, null));
  }

  private Messages copy(String description, boolean subject, Predicate<MessageFate.Copy> p) {
    return with(new Filter(description, subject, null, p));
  }

  // ------------------------------------------------------------------------------------------- subject

  /** Messages published by clients (not dead letters or fault duplicates). */
  public Messages published() {
    return message("published by a client", true, m -> m.origin() == null);
  }

  /** Messages published to {@code exchange} ({@code ""} is the default exchange). */
  public Messages toExchange(String exchange) {
    return message("to exchange '" + exchange + "'", true, m -> exchange.equals(m.exchange()));
  }

  /** Messages with this routing key. */
  public Messages withRoutingKey(String routingKey) {
    return message("with routing key '" + routingKey + "'", true, m -> routingKey.equals(m.routingKey()));
  }

  /** Messages with a copy in {@code queue} (routed there, whatever became of it). */
  public Messages toQueue(String queue) {
    return copy("in queue '" + queue + "'", true, c -> queue.equals(c.queue()));
  }

  /** Messages with this correlation_id (requests, replies, and their dead letters and duplicates). */
  public Messages withCorrelationId(String correlationId) {
    return message("with correlation_id '" + correlationId + "'", true,
        m -> correlationId.equals(m.correlationId()));
  }

  /**
   * Messages whose reply_to is {@code replyTo}, or, for a direct reply-to pseudo queue such as
   * {@code amq.rabbitmq.reply-to}, a reply name the broker made from it ({@code amq.rabbitmq.reply-to.…}).
   */
  public Messages withReplyTo(String replyTo) {
    return message("with reply_to '" + replyTo + "'", true,
        m -> m.replyTo() != null && (m.replyTo().equals(replyTo) || m.replyTo().startsWith(replyTo + ".")));
  }

  /** Requests: published by a client with a reply_to. */
  public Messages requests() {
    return message("requests (with reply_to)", true, m -> m.origin() == null && m.replyTo() != null);
  }

  /** Replies: published by a client with a correlation_id and no reply_to. */
  public Messages replies() {
    return message("replies (correlation_id, no reply_to)", true,
        m -> m.origin() == null && m.replyTo() == null && m.correlationId() != null);
  }

  // --------------------------------------------------------------------------------------------- state

  /** Messages with a copy that was delivered to a consumer or {@code basic.get} at least once. */
  public Messages delivered() {
    return copy("delivered", false, c -> c.deliveries() > 0
        || (c.fate() != null && CONSUMED.contains(c.fate().kind())));
  }

  /** Messages with a copy that a consumer acknowledged ({@code basic.ack}). */
  public Messages acknowledged() {
    return copy("acknowledged", false, c -> c.fate() != null && c.fate().kind() == Fate.Kind.ACKNOWLEDGED);
  }

  /** Messages with a copy a consumer got for good: acknowledged, auto-acked, or a delivered direct reply. */
  public Messages consumed() {
    return copy("consumed (acknowledged, auto-acked or a delivered reply)", false,
        c -> c.fate() != null && CONSUMED.contains(c.fate().kind()));
  }

  /** Messages that came back to their publisher as {@code basic.return}. */
  public Messages returned() {
    return message("returned to the publisher", false, m -> m.returnCode() != 0);
  }

  /**
   * Messages with a copy that ended without a consumer having it and without a dead letter carrying it on:
   * unroutable, dropped by a fault, expired, purged, deleted with its queue, rejected without a dead-letter
   * exchange, over a length limit, a reply whose requester was gone, or a no-ack delivery to a closed channel.
   */
  public Messages dropped() {
    return copy("dropped", false, c -> c.fate() != null && DROPPED.contains(c.fate().kind()));
  }

  /** Messages with a copy that was dead-lettered. */
  public Messages deadLettered() {
    return withFate(Fate.Kind.DEAD_LETTERED);
  }

  /** Messages with a copy whose fate is one of {@code kinds}. */
  public Messages withFate(Fate.Kind... kinds) {
    Set<Fate.Kind> set = EnumSet.noneOf(Fate.Kind.class);
    set.addAll(Arrays.asList(kinds));
    return copy("with fate " + set, false, c -> c.fate() != null && set.contains(c.fate().kind()));
  }

  /** Messages with a copy that has no fate yet (ready, unacknowledged or on its way). */
  public Messages stillLive() {
    return copy("still live", false, c -> c.state() != CopyState.SETTLED);
  }

  // ------------------------------------------------------------------------------------------- queries

  /** The selected messages, in publish order. */
  public List<MessageFate> list() {
    return select(filters);
  }

  @Override
  public Iterator<MessageFate> iterator() {
    return list().iterator();
  }

  public int count() {
    return list().size();
  }

  public boolean isEmpty() {
    return list().isEmpty();
  }

  /** The only selected message; fails, with the explanations, unless there is exactly one. */
  public MessageFate one() {
    List<MessageFate> found = list();
    if (found.size() != 1) {
      throw failure(1, found);
    }
    return found.get(0);
  }

  /** Fails, with the explanations, unless exactly {@code expected} messages are selected. */
  public Messages assertCount(int expected) {
    List<MessageFate> found = list();
    if (found.size() != expected) {
      throw failure(expected, found);
    }
    return this;
  }

  /** Fails, with the explanations, if any message is selected. */
  public Messages assertNone() {
    return assertCount(0);
  }

  /** Fails, with the explanations, if no message is selected. */
  public Messages assertAny() {
    List<MessageFate> found = list();
    if (found.isEmpty()) {
      throw failure(-1, found);
    }
    return this;
  }

  /** The ledger's explanation of each selected message, after a line that names the selection and the run. */
  public String explain() {
    List<MessageFate> found = list();
    StringBuilder b = new StringBuilder(found.size() + " " + this + " (" + run + ")");
    appendExplanations(b, found);
    return b.toString();
  }

  /** What the selection is, in words: {@code messages in queue 'rpc_queue', acknowledged}. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("messages");
    describe(b, true);
    describe(b, false);
    return b.toString();
  }

  private void describe(StringBuilder b, boolean subject) {
    for (Filter f : filters) {
      if (f.subject() == subject) {
        b.append(subject ? " " : ", ").append(f.description());
      }
    }
  }

  private List<MessageFate> select(List<Filter> using) {
    List<MessageFate> out = new ArrayList<>();
    for (MessageFate m : ledger.all()) {
      if (matches(m, using)) {
        out.add(m);
      }
    }
    return out;
  }

  private static boolean matches(MessageFate m, List<Filter> using) {
    boolean copyFilters = false;
    for (Filter f : using) {
      if (f.message() != null && !f.message().test(m)) {
        return false;
      }
      copyFilters |= f.copy() != null;
    }
    if (!copyFilters) {
      return true;
    }
    for (MessageFate.Copy c : m.copies()) {
      boolean all = true;
      for (Filter f : using) {
        if (f.copy() != null && !f.copy().test(c)) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }

  /** {@code expected} -1 means "at least one". */
  private AssertionError failure(int expected, List<MessageFate> found) {
    StringBuilder b = new StringBuilder("expected ")
        .append(expected < 0 ? "at least one" : String.valueOf(expected)).append(' ').append(this)
        .append(", found ").append(found.size()).append(" (").append(run).append(')');
    if (!found.isEmpty()) {
      b.append(':');
      appendExplanations(b, found);
    }
    List<Filter> subjectOnly = filters.stream().filter(Filter::subject).toList();
    if (subjectOnly.size() < filters.size()) {
      Set<String> foundIds = new HashSet<>();
      found.forEach(m -> foundIds.add(m.msgId()));
      List<MessageFate> near = new ArrayList<>(select(subjectOnly));
      near.removeIf(m -> foundIds.contains(m.msgId()));
      StringBuilder about = new StringBuilder("messages");
      describe(about, true);
      b.append("\nOther ").append(about).append(": ").append(near.size());
      if (!near.isEmpty()) {
        appendExplanations(b, near);
      }
    }
    return new AssertionError(b.toString());
  }

  private void appendExplanations(StringBuilder b, List<MessageFate> messages) {
    int n = 0;
    for (MessageFate m : messages) {
      if (n++ == MAX_EXPLAINED) {
        b.append("\n- ... and ").append(messages.size() - MAX_EXPLAINED).append(" more");
        break;
      }
      b.append("\n- ").append(ledger.explain(m.msgId()).replace("\n", "\n  "));
    }
  }
}
