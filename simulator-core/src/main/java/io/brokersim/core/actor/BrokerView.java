package io.brokersim.core.actor;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one virtual host holds at one moment, as its actors report it when asked ({@link VhostActor.Inspect}):
 * exchanges and bindings from the routing snapshot, and what each queue, connection and channel says about
 * itself. For people and management tools; nothing in the broker reads it back.
 *
 * <p>Actors answer one by one, so under the live runtime the parts are from nearby instants, not one; under the
 * deterministic runtime they are from one virtual instant. An actor that stops or does not answer in time is left
 * out and {@link #complete()} is false.
 *
 * @param vhost the virtual host's name
 * @param topologyVersion the version of the routing snapshot the exchanges, bindings and queue list come from
 * @param exchanges every exchange, the default one ({@code ""}) and the {@code amq.*} ones included, in declaration
 *     order
 * @param bindings every binding, the default exchange's implicit one per queue first, then by source exchange
 * @param queues every queue that answered, in declaration order
 * @param connections every connection that answered, in opening order
 * @param channels every channel that answered, by connection, then by number
 * @param complete whether every actor asked answered in time
 */
public record BrokerView(String vhost, long topologyVersion, List<Exchange> exchanges, List<Binding> bindings,
    List<Queue> queues, List<Connection> connections, List<Channel> channels, boolean complete) {

  public BrokerView {
    exchanges = List.copyOf(exchanges);
    bindings = List.copyOf(bindings);
    queues = List.copyOf(queues);
    connections = List.copyOf(connections);
    channels = List.copyOf(channels);
  }

  /** One exchange as declared; {@code arguments} as the client sent them (AMQP field values). */
  public record Exchange(String name, String type, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {}

  /** One binding: from exchange {@code source} to a queue or, if {@code toQueue} is false, an exchange. */
  public record Binding(String source, String destination, boolean toQueue, String routingKey,
      Map<String, Object> arguments) {}

  /**
   * One queue and its counts: {@code ready} messages waiting, {@code unacked} delivered and not yet settled,
   * {@code readyBytes} the bodies of the ready ones; {@code paused} while a fault holds its deliveries.
   */
  public record Queue(String name, boolean durable, boolean exclusive, boolean autoDelete, Map<String, Object> arguments,
      String ownerConnection, int ready, int unacked, long readyBytes, boolean paused, List<Consumer> consumers) {
    public Queue {
      consumers = List.copyOf(consumers);
    }

    /** Ready plus unacknowledged, as the brokers count a queue's messages. */
    public int messages() {
      return ready + unacked;
    }
  }

  /** One consumer of a queue, on channel {@code channel} (a channel id such as {@code conn-1/ch-1}). */
  public record Consumer(String queue, String channel, String consumerTag, boolean noAck, boolean exclusive,
      int prefetch, int priority, int unacked) {}

  /**
   * One connection: the broker's id ({@code conn-1}), the name the client gave, the user, where it comes from
   * ({@code origin}, null for an in-process client), when it opened (epoch milliseconds; virtual under the
   * deterministic runtime) and whether it is closing.
   */
  public record Connection(String id, String clientName, String user, ClientOrigin origin, long connectedAtMillis,
      int channels, boolean closing) {
    public Connection {
      Objects.requireNonNull(id, "id");
    }
  }

  /**
   * One channel: its id ({@code conn-1/ch-2}), connection and number; its consumers (queue consumers and the
   * direct reply-to one), deliveries not yet acknowledged, the prefetch new consumers get, and its modes.
   */
  public record Channel(String id, String connection, int number, String user, int consumers, int unacked,
      int prefetch, boolean confirm, boolean transactional, boolean closing) {}
}
