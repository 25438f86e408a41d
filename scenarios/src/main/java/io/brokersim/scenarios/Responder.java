package io.brokersim.scenarios;

import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;

/**
 * The serving side of RPC, scripted: its own connection and channel, consuming a request queue with manual
 * acks and handing each delivery to a {@link Handler} as a {@link Request}. The handler decides when to
 * reply, when to ack, and whether to die in between; that is how the scenarios stage their failures.
 */
public final class Responder {

  /** What a responder does with one request. */
  @FunctionalInterface
  public interface Handler {
    /** Replies, then acks: the well-behaved server. */
    Handler ANSWER = Request::answer;

    void handle(Request request);
  }

  private final ScenarioContext ctx;
  private final String name;
  private final SimConnection connection;
  private final SimChannel channel;
  private boolean mandatoryReplies;
  private boolean alive = true;

  Responder(ScenarioContext ctx, String name) {
    this.ctx = ctx;
    this.name = name;
    this.connection = ctx.sim().connect(name);
    this.channel = connection.openChannel();
    channel.addReturnListener(returned -> ctx.log().add(name, RpcLog.Kind.REPLY_RETURNED,
        returned.properties().correlationId(), returned.properties().correlationId(),
        returned.replyCode() + " " + returned.replyText()));
  }

  public String name() {
    return name;
  }

  ScenarioContext context() {
    return ctx;
  }

  SimChannel channel() {
    return channel;
  }

  public SimConnection connection() {
    return connection;
  }

  /** Limits unacknowledged deliveries to {@code count} ({@code basic.qos}); call before {@link #serve}. */
  public Responder prefetch(int count) {
    channel.basicQos(count);
    return this;
  }

  /**
   * Publishes replies with {@code mandatory=true}, so that an unroutable reply comes back as
   * {@code basic.return 312 NO_ROUTE} instead of vanishing.
   */
  public Responder mandatoryReplies(boolean value) {
    mandatoryReplies = value;
    return this;
  }

  boolean mandatoryReplies() {
    return mandatoryReplies;
  }

  /**
   * Declares {@code queue} (durable, so that every profile accepts it: RabbitMQ 4.3 refuses transient
   * shared queues) and consumes it with manual acks.
   */
  public Responder serve(String queue, Handler handler) {
    channel.queueDeclare(queue, true, false, false, null);
    channel.basicConsume(queue, false, (SimConsumer) (ch, delivery) ->
        ctx.guarded(name + " request handler", () -> {
          Request request = new Request(this, delivery);
          ctx.log().add(name, RpcLog.Kind.REQUEST_RECEIVED, request.correlationId(), null,
              delivery.redelivered() ? "redelivered" : "first delivery");
          handler.handle(request);
        }).run());
    return this;
  }

  /** Whether its connection and channel are still up, as far as the script knows. */
  public boolean alive() {
    return alive && channel.isOpen();
  }

  /** Drops the connection without a close handshake: the process died. Its unacked requests are requeued. */
  public void crash() {
    if (!alive) {
      return;
    }
    alive = false;
    ctx.log().add(name, RpcLog.Kind.CRASHED, null, null, "connection lost");
    connection.cut();
  }

  /** Closes the channel (the consumer goes with it; its unacked requests are requeued). */
  public void closeChannel() {
    if (!alive) {
      return;
    }
    alive = false;
    ctx.log().add(name, RpcLog.Kind.CHANNEL_CLOSED, null, null, "channel closed by the client");
    channel.closeAsync();
  }

  @Override
  public String toString() {
    return "Responder(" + name + ")";
  }
}
