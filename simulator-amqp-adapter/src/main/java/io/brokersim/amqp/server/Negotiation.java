package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.ProtocolHeader;
import io.brokersim.core.actor.ClientOrigin;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.model.ReplyCode;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's opening handshake (spec: connection class; {@link Handshake} holds the per-profile
 * rules): protocol header, start / start-ok with SASL, tune / tune-ok, open. It keeps what was negotiated
 * and tells its connection when the client is tuned and when it asked to open the virtual host.
 */
final class Negotiation {

  private static final Logger log = LoggerFactory.getLogger(Negotiation.class);

  /** Where the handshake is. */
  enum Step { HEADER, START_OK, TUNE_OK, OPEN, DONE }

  /** What the handshake needs from its connection. */
  interface Owner {
    void send(AmqpMethod method);

    void sendRaw(ByteString bytes);

    /** Write what is queued, then close the socket. */
    void finishAfterFlush();

    void protocolError(AmqpError error);

    /** The client accepted the tuning: frame_max, channel_max and heartbeat apply from now on. */
    void tuned(int frameMaxBytes, int channelMax, int heartbeatSeconds);

    /** connection.open for the server's virtual host: the broker connection can be created. */
    void openRequested();

    String describe();
  }

  private final ServerContext server;
  private final InetSocketAddress remote;
  private final Owner owner;
  private Step step = Step.HEADER;
  private ByteString headerBytes = ByteString.emptyByteString();
  private String user;
  private ActorRef<VhostActor.Command> vhost;
  private Permissions permissions;
  private String clientName;
  private Map<String, Object> clientProperties = Map.of();
  private String authMechanism;
  private boolean cancelNotify;
  private boolean blockedCapable;
  private int channelMax;
  private int heartbeatSeconds;
  private int frameMaxBytes = Frame.FRAME_MIN_SIZE;

  Negotiation(ServerContext server, InetSocketAddress remote, Owner owner) {
    this.server = server;
    this.remote = remote;
    this.owner = owner;
  }

  Step step() {
    return step;
  }

  /**
   * Bytes before the protocol header is complete; returns the bytes after it (frames), or null if there are
   * none yet or the header was refused.
   */
  ByteString header(ByteString chunk) {
    headerBytes = headerBytes.concat(chunk);
    if (headerBytes.size() < ProtocolHeader.SIZE) {
      return null;
    }
    byte[] header = headerBytes.take(ProtocolHeader.SIZE).toArray();
    ByteString rest = headerBytes.drop(ProtocolHeader.SIZE);
    headerBytes = ByteString.emptyByteString();
    if (!Handshake.accepts(header)) {
      byte[] reply = Handshake.unsupportedHeaderReply(server.profile, header);
      log.info("{}: unsupported protocol header {}, answered {} and closed", owner.describe(),
          Handshake.describe(header), Handshake.describe(reply));
      owner.sendRaw(ByteString.fromArrayUnsafe(reply));
      owner.finishAfterFlush();
      return null;
    }
    step = Step.START_OK;
    owner.send(Handshake.connectionStart(server.profile, server.settings));
    return rest.isEmpty() ? null : rest;
  }

  /** What the handshake is waiting for, in the client's terms. */
  String awaited() {
    return switch (step) {
      case HEADER -> "the protocol header";
      case START_OK -> "connection.start-ok";
      case TUNE_OK -> "connection.tune-ok";
      case OPEN -> "connection.open";
      default -> "the broker to open the connection";
    };
  }

  /** A frame before connection.open. */
  void frame(Frame f) {
    if (!(f instanceof Frame.Method m) || f.channel() != 0) {
      owner.protocolError(AmqpError.of(ReplyCode.UNEXPECTED_FRAME, MethodRef.NONE,
          "frame of type " + f.type() + " on channel " + f.channel() + " before connection.open-ok"));
      return;
    }
    AmqpMethod method = m.method();
    if (method instanceof AmqpMethod.ConnectionClose) {
      owner.send(new AmqpMethod.ConnectionCloseOk());
      owner.finishAfterFlush();
      return;
    }
    switch (step) {
      case START_OK -> {
        if (method instanceof AmqpMethod.ConnectionStartOk s) {
          onStartOk(s);
        } else {
          unexpected("connection.start-ok", method);
        }
      }
      case TUNE_OK -> {
        if (method instanceof AmqpMethod.ConnectionTuneOk t) {
          onTuneOk(t);
        } else {
          unexpected("connection.tune-ok", method);
        }
      }
      default -> {
        if (method instanceof AmqpMethod.ConnectionOpen o) {
          onOpen(o);
        } else {
          unexpected("connection.open", method);
        }
      }
    }
  }

  private void unexpected(String expected, AmqpMethod got) {
    owner.protocolError(new AmqpError(ReplyCode.COMMAND_INVALID,
        ReplyCode.COMMAND_INVALID.text("expected '" + expected + "', got '" + got.name() + "'"), got.classId(),
        got.methodId(), true));
  }

  private void onStartOk(AmqpMethod.ConnectionStartOk s) {
    Map<String, Object> props = s.clientProperties() == null ? Map.of() : s.clientProperties();
    clientProperties = props;
    authMechanism = s.mechanism();
    boolean authFailureClose = false;
    Object caps = props.get("capabilities");
    if (caps instanceof Map<?, ?> c) {
      cancelNotify = Boolean.TRUE.equals(c.get("consumer_cancel_notify"));
      blockedCapable = Boolean.TRUE.equals(c.get("connection.blocked"));
      authFailureClose = Boolean.TRUE.equals(c.get("authentication_failure_close"));
    }
    Object name = props.get("connection_name");
    clientName = name instanceof String n && !n.isEmpty() ? n : remote.getAddress().getHostAddress() + ":"
        + remote.getPort();
    String mechanism = s.mechanism();
    if (!server.mechanisms.contains(mechanism)) {
      AmqpError refusal = Handshake.unknownMechanism(server.profile, mechanism);
      log.info("{}: mechanism '{}' not offered", owner.describe(), mechanism);
      if (refusal == null) {
        owner.finishAfterFlush();
      } else {
        owner.protocolError(refusal);
      }
      return;
    }
    Optional<String> login = server.login.authenticate(mechanism, s.response(), remote.getAddress());
    if (login.isEmpty()) {
      log.info("{}: login refused ({})", owner.describe(), mechanism);
      if (authFailureClose) {
        owner.protocolError(Handshake.loginRefused(server.profile, mechanism));
      } else {
        owner.finishAfterFlush();
      }
      return;
    }
    user = login.get();
    step = Step.TUNE_OK;
    owner.send(Handshake.tune(server.settings));
  }

  private void onTuneOk(AmqpMethod.ConnectionTuneOk t) {
    AmqpError refused = Handshake.checkTuneOk(server.profile, server.settings, t);
    if (refused != null) {
      owner.protocolError(refused);
      return;
    }
    frameMaxBytes = (int) t.frameMax();
    channelMax = t.channelMax();
    heartbeatSeconds = t.heartbeat();
    step = Step.OPEN;
    owner.tuned(frameMaxBytes, channelMax, heartbeatSeconds);
  }

  private void onOpen(AmqpMethod.ConnectionOpen o) {
    Optional<ActorRef<VhostActor.Command>> found = server.broker.findVhost(o.virtualHost());
    Permissions granted = found.isEmpty() ? null : server.login.permissions(user, o.virtualHost()).orElse(null);
    if (found.isEmpty() || granted == null) {
      owner.protocolError(found.isEmpty() ? Handshake.vhostNotFound(server.profile, o.virtualHost())
          : Handshake.vhostRefused(server.profile, o.virtualHost(), user));
      return;
    }
    vhost = found.get();
    permissions = granted;
    step = Step.DONE;
    owner.openRequested();
  }

  /** The vhost connection.open named, once it was found and the user may use it. */
  ActorRef<VhostActor.Command> vhost() {
    return vhost;
  }

  /** The user's permissions on that vhost. */
  Permissions permissions() {
    return permissions;
  }

  /** Where this client comes from and what it negotiated, for the broker's management view. */
  ClientOrigin origin(InetSocketAddress local) {
    InetSocketAddress here = local != null ? local
        : new InetSocketAddress(server.settings.host(), server.settings.port());
    return new ClientOrigin(remote.getAddress().getHostAddress(), remote.getPort(),
        here.getAddress() != null ? here.getAddress().getHostAddress() : here.getHostString(), here.getPort(),
        "AMQP 0-9-1", clientProperties, authMechanism, frameMaxBytes, channelMax, heartbeatSeconds);
  }

  String user() {
    return user;
  }

  String clientName() {
    return clientName;
  }

  boolean cancelNotify() {
    return cancelNotify;
  }

  boolean blockedCapable() {
    return blockedCapable;
  }

  int heartbeatSeconds() {
    return heartbeatSeconds;
  }
}
