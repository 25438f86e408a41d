package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.LongString;
import io.brokersim.amqp.codec.ProtocolHeader;
import io.brokersim.core.model.AmqpError;
import io.brokersim.core.model.MethodRef;
import io.brokersim.core.model.ReplyCode;
import io.brokersim.core.profile.BrokerProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The connection handshake rules of semantics §6, per profile: which protocol headers
 * are spoken and what an unsupported one is answered with, what {@code connection.start} and
 * {@code connection.tune} offer, and the exact texts of the refusals. Pure functions; the connection stage
 * performs them.
 */
final class Handshake {

  /** The server's version, from the build (version.properties is filtered by Maven). */
  static final String VERSION = readVersion();

  /** The releases the profiles model, as their connection.start reports them (§0.1, §6.2). */
  static final String RABBITMQ_3_VERSION = "3.13.7";
  static final String RABBITMQ_4_VERSION = "4.3.5";
  static final String LAVINMQ_VERSION = "2.9.0";
  private static final String RABBITMQ_3_PLATFORM = "Erlang/OTP 26.2.5";
  private static final String RABBITMQ_4_PLATFORM = "Erlang/OTP 27.3.4";
  private static final String LAVINMQ_PLATFORM = "Crystal 1.20.1";
  private static final String RABBITMQ_3_COPYRIGHT = "Copyright (c) 2007-2024 Broadcom Inc and/or its subsidiaries";
  private static final String RABBITMQ_4_COPYRIGHT = "Copyright (c) 2007-2026 Broadcom Inc and/or its subsidiaries";
  private static final String RABBITMQ_INFORMATION = "Licensed under the MPL 2.0. Website: https://rabbitmq.com";

  private static final byte[] AMQP_0_9_1 = ProtocolHeader.amqp091();
  private static final byte[] AMQP_1_0_SASL = {'A', 'M', 'Q', 'P', 3, 1, 0, 0};

  private Handshake() {}

  /** 0 for LavinMQ, else the RabbitMQ major version the profile models (3 or 4). */
  static int rabbitMajor(BrokerProfile profile) {
    if (profile.isLavinMq()) {
      return 0;
    }
    return "rabbitmq-3".equals(profile.name()) ? 3 : 4;
  }

  /** True for {@code AMQP 0 0 9 1} and the 0-9 header {@code AMQP 1 1 0 9}, both spoken as 0-9-1 (§6.1). */
  static boolean accepts(byte[] header) {
    return ProtocolHeader.parse(java.nio.ByteBuffer.wrap(header)) == ProtocolHeader.Verdict.ACCEPTED;
  }

  /**
   * The 8 octets written back before closing the socket on an unsupported header (§6.1): LavinMQ and
   * RabbitMQ 3.x always answer 0-9-1; RabbitMQ 4.x answers 0-9-1 only to {@code AMQP 0 0 m r} with
   * m >= 9 and the AMQP 1.0 SASL header to everything else.
   */
  static byte[] unsupportedHeaderReply(BrokerProfile profile, byte[] header) {
    if (rabbitMajor(profile) < 4) {
      return AMQP_0_9_1.clone();
    }
    boolean amqp0x = header.length == ProtocolHeader.SIZE && header[0] == 'A' && header[1] == 'M' && header[2] == 'Q'
        && header[3] == 'P' && header[4] == 0 && (header[5] & 0xFF) == 0 && (header[6] & 0xFF) >= 9;
    return amqp0x ? AMQP_0_9_1.clone() : AMQP_1_0_SASL.clone();
  }

  /** The SASL mechanisms offered, in the profile's order (§6.2). */
  static List<String> mechanisms(BrokerProfile profile, ServerSettings settings) {
    if (profile.isLavinMq()) {
      return List.of("AMQPLAIN", "PLAIN");
    }
    List<String> m = new ArrayList<>(List.of("PLAIN", "AMQPLAIN"));
    // RabbitMQ 4 offers ANONYMOUS while anonymous_login_user (default guest) is configured.
    if (rabbitMajor(profile) >= 4 && settings.users().stream().anyMatch(u -> u.name().equals(SaslLogin.ANONYMOUS_USER))) {
      m.add("ANONYMOUS");
    }
    return m;
  }

  /** The product a profile's connection.start names ({@code RabbitMQ} or {@code LavinMQ}). */
  static String product(BrokerProfile profile) {
    return profile.isLavinMq() ? "LavinMQ" : "RabbitMQ";
  }

  /** The release of the modelled broker a profile's connection.start reports. */
  static String productVersion(BrokerProfile profile) {
    return profile.isLavinMq() ? LAVINMQ_VERSION : rabbitMajor(profile) >= 4 ? RABBITMQ_4_VERSION : RABBITMQ_3_VERSION;
  }

  /**
   * connection.start: version 0-9, the server properties of the broker the profile models (§6.2), with every
   * capability true (each is honoured), mechanisms, en_US. Clients gate behaviour on {@code product} and
   * {@code version} (the RabbitMQ Java client's own tests take pre-3.13 branches for an older version), so those
   * are the simulated broker's; brokersim's own version is under the key {@code brokersim}.
   */
  static AmqpMethod.ConnectionStart connectionStart(BrokerProfile profile, ServerSettings settings) {
    Map<String, Object> capabilities = new LinkedHashMap<>();
    for (String c : List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
        "connection.blocked", "consumer_priorities", "authentication_failure_close", "per_consumer_qos",
        "direct_reply_to")) {
      capabilities.put(c, Boolean.TRUE);
    }
    Map<String, Object> props = new LinkedHashMap<>();
    if (profile.isLavinMq()) {
      // LavinMQ's SERVER_PROPERTIES (connection_factory.cr), in its order.
      props.put("product", product(profile));
      props.put("platform", LAVINMQ_PLATFORM);
      props.put("version", productVersion(profile));
      props.put("capabilities", capabilities);
    } else {
      // RabbitMQ's server_properties (rabbit_reader.erl), sorted by key as it sends them.
      boolean four = rabbitMajor(profile) >= 4;
      props.put("capabilities", capabilities);
      props.put("cluster_name", "brokersim@" + profile.name());
      props.put("copyright", four ? RABBITMQ_4_COPYRIGHT : RABBITMQ_3_COPYRIGHT);
      props.put("information", RABBITMQ_INFORMATION);
      props.put("platform", four ? RABBITMQ_4_PLATFORM : RABBITMQ_3_PLATFORM);
      props.put("product", product(profile));
      props.put("version", productVersion(profile));
    }
    props.put("brokersim", "brokersim " + VERSION + " (in-memory AMQP 0-9-1 broker simulator, profile "
        + profile.name() + ", Java " + System.getProperty("java.version") + ")");
    return new AmqpMethod.ConnectionStart(0, 9, props, LongString.of(String.join(" ", mechanisms(profile, settings))),
        LongString.of("en_US"));
  }

  /** connection.tune with the server's limits. */
  static AmqpMethod.ConnectionTune tune(ServerSettings settings) {
    return new AmqpMethod.ConnectionTune(settings.channelMax(), settings.frameMaxBytes(), settings.heartbeatSeconds());
  }

  /**
   * The 530 for a tune-ok outside the server's limits, or null (§6.4): frame_max below the profile's
   * minimum, or above the server's (0 counts as above, since the server has a limit); the same upper rule
   * for channel_max.
   */
  static AmqpError checkTuneOk(BrokerProfile profile, ServerSettings settings, AmqpMethod.ConnectionTuneOk ok) {
    long frameMax = ok.frameMax();
    String problem = null;
    if (frameMax != 0 && frameMax < profile.frameMaxMinimum()) {
      problem = "negotiated frame_max = " + frameMax + " is lower than the minimum allowed value ("
          + profile.frameMaxMinimum() + ")";
    } else if (frameMax == 0 || frameMax > settings.frameMaxBytes()) {
      problem = "negotiated frame_max = " + frameMax + " is higher than the maximum allowed value ("
          + settings.frameMaxBytes() + ")";
    } else if (ok.channelMax() == 0 || ok.channelMax() > settings.channelMax()) {
      problem = "negotiated channel_max = " + ok.channelMax() + " is higher than the maximum allowed value ("
          + settings.channelMax() + ")";
    }
    if (problem == null) {
      return null;
    }
    String text = profile.isLavinMq() ? "failed to negotiate connection parameters: " + problem : problem;
    return AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CONNECTION_TUNE_OK, text);
  }

  /** 403 after bad credentials, for clients with authentication_failure_close (§6.3); class/method 0/0. */
  static AmqpError loginRefused(BrokerProfile profile, String mechanism) {
    String text = profile.isLavinMq() ? ""
        : "Login was refused using authentication mechanism " + mechanism + ". For details see the broker logfile.";
    return AmqpError.of(ReplyCode.ACCESS_REFUSED, MethodRef.NONE, text).connectionScoped();
  }

  /** RabbitMQ's 503 for a mechanism it does not offer; null for LavinMQ, which just closes the socket (§6.3). */
  static AmqpError unknownMechanism(BrokerProfile profile, String mechanism) {
    if (profile.isLavinMq()) {
      return null;
    }
    return AmqpError.of(ReplyCode.COMMAND_INVALID, MethodRef.CONNECTION_START_OK,
        "unknown authentication mechanism '" + mechanism + "'");
  }

  /**
   * 530 for connection.open on a vhost the broker does not have (§6.5, §13.1): RabbitMQ's {@code rabbit_reader}
   * ({@code is_over_vhost_connection_limit}, {@code no_such_vhost}) and LavinMQ's {@code connection_factory.cr}.
   */
  static AmqpError vhostNotFound(BrokerProfile profile, String vhost) {
    String text = profile.isLavinMq() ? "vhost not found" : "vhost " + vhost + " not found";
    return AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CONNECTION_OPEN, text);
  }

  /**
   * 530 for connection.open on a vhost the user has no permissions in (§13.1): RabbitMQ's
   * {@code rabbit_access_control:check_vhost_access}, LavinMQ's {@code connection_factory.cr}.
   */
  static AmqpError vhostRefused(BrokerProfile profile, String vhost, String user) {
    String text = profile.isLavinMq() ? "'" + user + "' doesn't have access to '" + vhost + "'"
        : "access to vhost '" + vhost + "' refused for user '" + user + "'";
    return AmqpError.of(ReplyCode.NOT_ALLOWED, MethodRef.CONNECTION_OPEN, text);
  }

  /** The 8 octets as printable text for logs, e.g. {@code AMQP\0\0\9\1}. */
  static String describe(byte[] header) {
    StringBuilder sb = new StringBuilder();
    for (byte b : header) {
      int v = b & 0xFF;
      if (v >= 0x20 && v < 0x7F && !Character.isDigit(v)) {
        sb.append((char) v);
      } else {
        sb.append('\\').append(v);
      }
    }
    return sb.toString();
  }

  private static String readVersion() {
    try (InputStream in = Handshake.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
