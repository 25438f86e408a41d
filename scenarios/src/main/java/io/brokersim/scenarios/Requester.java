package io.brokersim.scenarios;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.Driver;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import io.brokersim.core.model.BasicProperties;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The calling side of RPC, scripted: its own connection and channel, a reply address ({@link Replies}: by
 * default an exclusive server-named callback queue, or direct reply-to), requests carrying {@code reply_to} and
 * a fresh {@code correlation_id} ({@code <name>-<n>}), an optional virtual-time timeout per call. Everything it
 * does and sees goes to the run's {@link RpcLog}.
 *
 * <p>It matches replies in one of two ways: {@link Matching#CORRELATION_ID}, as every RPC client should
 * (a reply for a call that timed out, was already answered, or is unknown is discarded), or
 * {@link Matching#NEXT_REPLY}, the naive client that takes whatever arrives next as the answer to its
 * oldest waiting call.
 *
 * <p>It behaves like a client library: if the broker closes its channel, every waiting call fails with that
 * error, and a call made on a closed channel fails at once; if its connection dies, every waiting call ends as
 * "connection lost". Neither throws into the script.
 */
public final class Requester {

  /** How replies are matched to calls. */
  public enum Matching {
    /** By {@code correlation_id}; anything else is discarded. */
    CORRELATION_ID,
    /** The next reply answers the oldest waiting call, whatever its {@code correlation_id} (a bug). */
    NEXT_REPLY
  }

  /**
   * Where a requester's replies come back, and how it listens there: a callback queue it declares and consumes,
   * or a direct reply-to pseudo-queue. The last two options stage the usual direct reply-to mistakes.
   */
  public static final class Replies {
    private enum Kind { SERVER_NAMED_QUEUE, NAMED_QUEUE, DIRECT_REPLY_TO }

    private final Kind kind;
    private final String queue;
    private final boolean durable;
    private final boolean exclusive;
    private final boolean autoDelete;
    private final boolean autoAck;
    private final boolean consume;

    private Replies(Kind kind, String queue, boolean durable, boolean exclusive, boolean autoDelete, boolean autoAck,
        boolean consume) {
      this.kind = kind;
      this.queue = queue;
      this.durable = durable;
      this.exclusive = exclusive;
      this.autoDelete = autoDelete;
      this.autoAck = autoAck;
      this.consume = consume;
    }

    /** {@code queue.declare("")}: exclusive, auto-delete, named by the broker ({@code amq.gen-...}); the default. */
    public static Replies callbackQueue() {
      return new Replies(Kind.SERVER_NAMED_QUEUE, "", false, true, true, true, true);
    }

    /** A callback queue the requester names and declares itself with these flags. */
    public static Replies queue(String name, boolean durable, boolean exclusive, boolean autoDelete) {
      return new Replies(Kind.NAMED_QUEUE, name, durable, exclusive, autoDelete, true, true);
    }

    /**
     * Direct reply-to: consume {@code pseudoQueue} ({@code amq.rabbitmq.reply-to}, or LavinMQ's
     * {@code amq.direct.reply-to}) with no-ack on the requester's channel, then send every request with
     * {@code reply_to} = {@code pseudoQueue}; the broker rewrites it to this channel's reply name.
     */
    public static Replies directReplyTo(String pseudoQueue) {
      return new Replies(Kind.DIRECT_REPLY_TO, pseudoQueue, false, false, false, true, true);
    }

    /**
     * Consume the reply queue with manual acks (pika's {@code basic_consume} default). For direct reply-to that is
     * a mistake: the broker refuses the consumer with 406 and closes the channel.
     */
    public Replies manualAck() {
      return new Replies(kind, queue, durable, exclusive, autoDelete, false, consume);
    }

    /**
     * Never consume the reply queue, yet name it in {@code reply_to}. For direct reply-to that is a mistake: the
     * first request is refused with 406 and the channel closes.
     */
    public Replies withoutConsumer() {
      return new Replies(kind, queue, durable, exclusive, autoDelete, autoAck, false);
    }
  }

  private final ScenarioContext ctx;
  private final String name;
  private final SimConnection connection;
  private final SimChannel channel;
  private final String exchange;
  private final String routingKey;
  private final boolean autoAck;
  /** Waiting calls in send order, with their timeout timers (null without a timeout). */
  private final Map<String, Driver.Scheduled> waiting = new LinkedHashMap<>();
  private final Set<String> timedOut = new HashSet<>();
  private final Set<String> answered = new HashSet<>();
  private String replyQueue;
  private String replyConsumerTag;
  private Duration timeout;
  private Matching matching = Matching.CORRELATION_ID;
  private boolean connected = true;
  /** The error that closed the channel, once the broker closed it. */
  private AmqpException channelError;
  private int calls;

  Requester(ScenarioContext ctx, String name, String exchange, String routingKey, Replies replies) {
    this.ctx = ctx;
    this.name = name;
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.autoAck = replies.autoAck;
    this.connection = ctx.sim().connect(name);
    this.channel = connection.openChannel();
    channel.whenClosed().thenAccept(cause -> ctx.guarded(name + " channel", () -> onChannelClosed(cause)).run());
    connection.whenTerminated().thenRun(ctx.guarded(name + " connection", this::onConnectionLost));
    try {
      replyQueue = switch (replies.kind) {
        case SERVER_NAMED_QUEUE -> channel.queueDeclare().queue();
        case NAMED_QUEUE -> channel.queueDeclare(replies.queue, replies.durable, replies.exclusive, replies.autoDelete,
            null).queue();
        case DIRECT_REPLY_TO -> replies.queue;
      };
      if (replies.consume) {
        replyConsumerTag = channel.basicConsume(replyQueue, replies.autoAck, (SimConsumer) (ch, reply) ->
            ctx.guarded(name + " reply consumer", () -> onReply(reply)).run());
      }
    } catch (AmqpException e) {
      // The broker refused the setup and closed the channel; onChannelClosed has logged why. Calls will fail.
      if (replyQueue == null) {
        replyQueue = replies.queue;
      }
    }
  }

  public String name() {
    return name;
  }

  /**
   * The reply address its requests carry in {@code reply_to}: the callback queue's name, or for direct reply-to the
   * pseudo-queue (the broker rewrites it; the trace's {@code Published.replyTo} shows the generated name).
   */
  public String replyQueue() {
    return replyQueue;
  }

  /** The tag of its reply consumer, or null if it has none (never consumed, or the broker refused it). */
  public String replyConsumerTag() {
    return replyConsumerTag;
  }

  public SimConnection connection() {
    return connection;
  }

  /**
   * Its channel, for scripts that do more than calls (read a dead-letter queue, ...). From the script use the
   * blocking methods; inside callbacks and timers only the fire-and-forget and {@code ...Async} ones.
   */
  public SimChannel channel() {
    return channel;
  }

  /** Whether its channel is still open (the broker has not closed it, its connection is up). */
  public boolean ready() {
    return connected && channelError == null && channel.isOpen();
  }

  /** Gives up on a call after {@code value} of virtual time; none by default. */
  public Requester timeout(Duration value) {
    timeout = value;
    return this;
  }

  public Requester matching(Matching value) {
    matching = value;
    return this;
  }

  /**
   * Publishes a request now and returns its correlation_id. Fire-and-forget: safe in callbacks and timers. On a
   * channel or connection that is gone the call fails at once (recorded, not thrown).
   */
  public String call(String body) {
    return call(body, props -> { });
  }

  /**
   * Like {@link #call(String)}, with more request properties set by {@code properties} (delivery mode, expiration,
   * headers, ...); {@code reply_to} and {@code correlation_id} are the requester's.
   */
  public String call(String body, Consumer<BasicProperties.Builder> properties) {
    String correlationId = name + "-" + (++calls);
    if (ctx.leavesOut(correlationId)) {
      return correlationId;   // left out of this run (brokersim shrink, --only-calls): never sent, never logged
    }
    ctx.log().add(name, RpcLog.Kind.CALL_SENT, correlationId, null, body);
    if (!ready()) {
      ctx.log().add(name, RpcLog.Kind.CALL_FAILED, correlationId, null, "not sent: "
          + (channelError != null ? "its channel was closed by the broker with " + describe(channelError)
              : connected ? "its channel is closed" : "its connection is gone"));
      return correlationId;
    }
    BasicProperties.Builder props = BasicProperties.builder();
    properties.accept(props);
    props.replyTo(replyQueue).correlationId(correlationId);
    channel.basicPublish(exchange, routingKey, false, props.build(), body.getBytes(StandardCharsets.UTF_8));
    Driver.Scheduled timer = timeout == null ? null
        : connection.schedule(timeout, ctx.guarded(name + " timeout", () -> expire(correlationId)));
    waiting.put(correlationId, timer);
    return correlationId;
  }

  /** Sends {@link #call(String)} after {@code delay} of virtual time. */
  public void callAfter(Duration delay, String body) {
    ctx.at(delay, () -> call(body));
  }

  /** Sends {@link #call(String, Consumer)} after {@code delay} of virtual time. */
  public void callAfter(Duration delay, String body, Consumer<BasicProperties.Builder> properties) {
    ctx.at(delay, () -> call(body, properties));
  }

  /** Drops the connection without a close handshake, as a dying process or network does. */
  public void cut() {
    if (!connected) {
      return;
    }
    connected = false;
    ctx.log().add(name, RpcLog.Kind.CRASHED, null, null, "connection lost");
    abandonAll(RpcLog.Kind.CALL_ABANDONED, "connection lost while waiting");
    connection.cut();
  }

  /** The broker closed the channel (cause set), or the client or a lost connection did (cause null). */
  private void onChannelClosed(AmqpException cause) {
    if (cause == null || channelError != null) {
      return;
    }
    channelError = cause;
    ctx.log().add(name, RpcLog.Kind.CHANNEL_CLOSED, null, null, "channel closed by the broker with "
        + describe(cause));
    abandonAll(RpcLog.Kind.CALL_FAILED, "its channel was closed by the broker with " + describe(cause));
  }

  /** The connection is gone; if the script did not cut it, the broker or the network did. */
  private void onConnectionLost() {
    if (!connected) {
      return;
    }
    connected = false;
    ctx.log().add(name, RpcLog.Kind.CRASHED, null, null, "connection lost (closed by the broker or the network)");
    abandonAll(RpcLog.Kind.CALL_ABANDONED, "connection lost while waiting");
  }

  private void abandonAll(RpcLog.Kind kind, String why) {
    for (Map.Entry<String, Driver.Scheduled> call : waiting.entrySet()) {
      if (call.getValue() != null) {
        call.getValue().cancel();
      }
      ctx.log().add(name, kind, call.getKey(), null, why);
    }
    waiting.clear();
  }

  static String describe(AmqpException e) {
    return e.replyCode() + " " + e.replyText();
  }

  private void expire(String correlationId) {
    if (waiting.remove(correlationId) != null) {
      timedOut.add(correlationId);
      ctx.log().add(name, RpcLog.Kind.CALL_TIMED_OUT, correlationId, null, "no reply within " + timeout.toMillis()
          + " ms");
    }
  }

  private void onReply(Delivery reply) {
    if (!autoAck) {
      channel.basicAck(reply.deliveryTag(), false);
    }
    String correlationId = reply.properties().correlationId();
    String body = reply.bodyText();
    if (matching == Matching.NEXT_REPLY) {
      if (waiting.isEmpty()) {
        discard(correlationId, "no call was waiting for a reply");
      } else {
        accept(waiting.keySet().iterator().next(), correlationId, body);
      }
      return;
    }
    if (correlationId != null && waiting.containsKey(correlationId)) {
      accept(correlationId, correlationId, body);
    } else if (timedOut.contains(correlationId)) {
      discard(correlationId, "late: the call had already timed out");
    } else if (answered.contains(correlationId)) {
      discard(correlationId, "duplicate: the call was already answered");
    } else {
      discard(correlationId, "unknown correlation_id");
    }
  }

  private void accept(String call, String replyCorrelationId, String body) {
    Driver.Scheduled timer = waiting.remove(call);
    if (timer != null) {
      timer.cancel();
    }
    answered.add(call);
    ctx.log().add(name, RpcLog.Kind.REPLY_ACCEPTED, call, replyCorrelationId, body);
  }

  private void discard(String correlationId, String why) {
    ctx.log().add(name, RpcLog.Kind.REPLY_DISCARDED, correlationId, correlationId, why);
  }

  @Override
  public String toString() {
    return "Requester(" + name + ", reply queue " + replyQueue + ")";
  }
}
