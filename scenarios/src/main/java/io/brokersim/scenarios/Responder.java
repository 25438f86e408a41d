package io.brokersim.scenarios;

import io.brokersim.core.client.AmqpException;
import io.brokersim.core.client.Delivery;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.client.SimConsumer;
import java.util.Map;

/**
 * The serving side of RPC, scripted: its own connection and channel, consuming a request queue with manual
 * acks and handing each delivery to a {@link Handler} as a {@link Request}. The handler decides when to
 * reply, when to ack, and whether to die in between; that is how the scenarios stage their failures.
 *
 * <p>If the broker closes its channel (a refused consume, a fault) or its connection dies (a broker restart),
 * the log says so and the responder is dead from then on: its pending work is recorded as never done.
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
    channel.whenClosed().thenAccept(cause -> ctx.guarded(name + " channel", () -> {
      if (cause != null && alive) {
        alive = false;
        ctx.log().add(name, RpcLog.Kind.CHANNEL_CLOSED, null, null, "channel closed by the broker with "
            + Requester.describe(cause));
      }
    }).run());
    connection.whenTerminated().thenRun(ctx.guarded(name + " connection", () -> {
      if (alive) {
        alive = false;
        ctx.log().add(name, RpcLog.Kind.CRASHED, null, null, "connection lost (closed by the broker or the network)");
      }
    }));
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
   * Makes the channel transactional ({@code tx.select}): replies and acks take effect only at
   * {@link Request#commit()}. Call before {@link #serve}.
   */
  public Responder transactional() {
    channel.txSelect();
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
    return serve(queue, null, handler);
  }

  /**
   * Like {@link #serve(String, Handler)}, declaring the queue with {@code arguments} ({@code x-message-ttl},
   * {@code x-dead-letter-exchange}, ...).
   */
  public Responder serve(String queue, Map<String, Object> arguments, Handler handler) {
    try {
      channel.queueDeclare(queue, true, false, false, arguments);
    } catch (AmqpException e) {
      return this;   // the channel is closed; the log says why
    }
    return consume(queue, false, handler);
  }

  /**
   * Consumes {@code queue} without declaring it, with manual acks or, if {@code autoAck}, without. A refused
   * consume (404, 406) closes the channel; the log says why and the responder is dead from then on.
   */
  public Responder consume(String queue, boolean autoAck, Handler handler) {
    try {
      channel.basicConsume(queue, autoAck, new SimConsumer() {
        @Override
        public void handleDelivery(SimChannel ch, Delivery delivery) {
          ctx.guarded(name + " request handler", () -> {
            Request request = new Request(Responder.this, delivery);
            ctx.log().add(name, RpcLog.Kind.REQUEST_RECEIVED, request.correlationId(), null,
                delivery.redelivered() ? "redelivered" : "first delivery");
            handler.handle(request);
          }).run();
        }

        @Override
        public void handleCancel(String consumerTag) {
          ctx.log().add(name, RpcLog.Kind.CONSUMER_CANCELLED, null, null, "the broker cancelled its consumer "
              + consumerTag + " (basic.cancel); its channel stays open");
        }
      });
    } catch (AmqpException e) {
      // logged by the close listener
    }
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
