package io.brokersim.core.client;

import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.actor.ChannelActor;
import io.brokersim.core.actor.ClientSink;
import io.brokersim.core.actor.ConnectionActor;
import io.brokersim.core.actor.Outbound;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * An in-process client connection to a simulated broker. Obtain one from {@code Simulation.connect}
 * (deterministic) or from a live broker; open channels with {@link #openChannel()}.
 */
public final class SimConnection implements ClientSink {
  private final String clientName;
  private final Driver driver;
  private final CompletableFuture<SimConnection> opened = new CompletableFuture<>();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Map<Integer, SimChannel> channels = new TreeMap<>();
  private final Map<Integer, CompletableFuture<SimChannel>> opening = new TreeMap<>();
  private final java.util.Set<Integer> openOkSeen = new java.util.TreeSet<>();
  private volatile ActorRef<ConnectionActor.Command> ref;
  private volatile String connectionId;
  private volatile AmqpException closeCause;
  private int nextChannel = 1;

  private SimConnection(String clientName, Driver driver) {
    this.clientName = clientName;
    this.driver = driver;
  }

  /** Starts opening a connection on {@code vhost}; the stage completes when the connection actor exists. */
  public static CompletionStage<SimConnection> open(ActorRef<VhostActor.Command> vhost, String clientName,
      Driver driver) {
    return open(vhost, clientName, "guest", Permissions.ALL, driver);
  }

  /**
   * Starts opening a connection on {@code vhost} as {@code user}, who may do what {@code permissions} allow there
   * (semantics §13); the stage completes when the connection actor exists.
   */
  public static CompletionStage<SimConnection> open(ActorRef<VhostActor.Command> vhost, String clientName,
      String user, Permissions permissions, Driver driver) {
    SimConnection c = new SimConnection(clientName, driver);
    vhost.tell(new VhostActor.Connect(clientName, user, true, c, null, permissions));
    return c.opened;
  }

  public String clientName() {
    return clientName;
  }

  /** The broker's id for this connection ({@code conn-N}), as it appears in the trace. */
  public String id() {
    return connectionId;
  }

  Driver driver() {
    return driver;
  }

  /** Runs {@code task} after {@code delay} (virtual time in a simulation) on the broker's thread. */
  public Driver.Scheduled schedule(java.time.Duration delay, Runnable task) {
    return driver.schedule(delay, task);
  }

  /** Opens the next channel number not used yet on this connection. */
  public CompletionStage<SimChannel> openChannelAsync() {
    synchronized (this) {
      return openChannelAsync(nextChannel++);
    }
  }

  /**
   * Opens channel {@code number}, which may be one closed before (as clients such as pika and Spring's
   * caching connection factory reuse numbers): the broker treats it as a new channel.
   */
  public CompletionStage<SimChannel> openChannelAsync(int number) {
    CompletableFuture<SimChannel> f = new CompletableFuture<>();
    synchronized (this) {
      if (closeCause != null || terminated.isDone()) {
        f.completeExceptionally(closeCause != null ? closeCause : new IllegalStateException("connection closed"));
        return f;
      }
      nextChannel = Math.max(nextChannel, number + 1);
      opening.put(number, f);
      ref.tell(new ConnectionActor.OpenChannel(number));
    }
    return f;
  }

  /** Opens channel {@code number} and waits for it. */
  public SimChannel openChannel(int number) {
    return driver.await(openChannelAsync(number));
  }

  /** Opens the next free channel and waits for it. */
  public SimChannel openChannel() {
    return driver.await(openChannelAsync());
  }

  /** Closes the connection (its channels requeue their unacked messages; exclusive queues go). */
  public CompletionStage<Void> closeAsync() {
    ref.tell(new ConnectionActor.Close(200, "Goodbye"));
    return terminated;
  }

  public void close() {
    driver.await(closeAsync());
  }

  /** Drops the connection without a close handshake, as a dying socket does. */
  public void cut() {
    ref.tell(new ConnectionActor.Cut("cut by client"));
  }

  /** Completes when the broker has finished with this connection. */
  public CompletionStage<Void> whenTerminated() {
    return terminated;
  }

  /** The server error that closed this connection, or null. */
  public AmqpException closeCause() {
    return closeCause;
  }

  public boolean isOpen() {
    return !terminated.isDone() && closeCause == null;
  }

  // ---- ClientSink (called from the broker's actors) ----

  @Override
  public void connectionOpened(String id, ActorRef<ConnectionActor.Command> connection) {
    this.connectionId = id;
    this.ref = connection;
    opened.complete(this);
  }

  @Override
  public void channelOpened(int number, String channelId, ActorRef<ChannelActor.Command> channelRef) {
    SimChannel ch = new SimChannel(this, number, channelId, channelRef);
    CompletableFuture<SimChannel> open;
    synchronized (this) {
      channels.put(number, ch);
      open = openOkSeen.remove(number) ? opening.remove(number) : null;
    }
    if (open != null) {
      open.complete(ch);
    }
  }

  @Override
  public void send(int channel, Outbound method) {
    if (channel == 0) {
      if (method instanceof Outbound.ConnectionClose c) {
        AmqpException cause = new AmqpException(c.error());
        closeCause = cause;
        for (SimChannel ch : snapshotChannels()) {
          ch.connectionClosed(cause);
        }
        failOpening(cause);
        ref.tell(ConnectionActor.CloseOk.INSTANCE);
      }
      return;
    }
    SimChannel ch;
    CompletableFuture<SimChannel> open = null;
    synchronized (this) {
      ch = channels.get(channel);
      if (method instanceof Outbound.ChannelOpenOk) {
        if (ch == null) {
          openOkSeen.add(channel); // the channel reference follows; channelOpened completes the open
          return;
        }
        open = opening.remove(channel);
      }
    }
    if (open != null) {
      open.complete(ch);
      return;
    }
    if (ch != null) {
      ch.receive(method);
    }
  }

  @Override
  public void connectionTerminated(boolean abrupt) {
    AmqpException cause = closeCause;
    for (SimChannel ch : snapshotChannels()) {
      ch.connectionClosed(cause);
    }
    failOpening(cause);
    terminated.complete(null);
  }

  void channelClosed(int number) {
    synchronized (this) {
      channels.remove(number);
    }
  }

  private synchronized SimChannel[] snapshotChannels() {
    return channels.values().toArray(new SimChannel[0]);
  }

  private void failOpening(AmqpException cause) {
    CompletableFuture<?>[] pending;
    synchronized (this) {
      pending = opening.values().toArray(new CompletableFuture<?>[0]);
      opening.clear();
    }
    for (CompletableFuture<?> f : pending) {
      f.completeExceptionally(cause != null ? cause : new IllegalStateException("connection closed"));
    }
  }
}
