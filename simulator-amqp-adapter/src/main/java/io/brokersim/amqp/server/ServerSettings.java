package io.brokersim.amqp.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import io.brokersim.amqp.codec.Frame;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import io.brokersim.core.model.Permissions;
import io.brokersim.core.profile.BrokerProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The server's settings, read once from {@code brokersim.server} (see the adapter's reference.conf for
 * what each one means) and resolved against the broker profile where a setting says "profile".
 */
public record ServerSettings(
    String host,
    int port,
    int backlog,
    int maxConcurrentHandshakes,
    List<User> users,
    int heartbeatSeconds,
    double heartbeatTimeoutFactor,
    int frameMaxBytes,
    int channelMax,
    long maxMessageSizeBytes,
    long outboundHighWatermarkBytes,
    long outboundLowWatermarkBytes,
    int writeBatchSizeBytes,
    int maxFramesBeforeOpen,
    double memoryHighWatermark,
    Duration memoryCheckInterval,
    Duration memoryGcInterval,
    Duration handshakeTimeout,
    Duration closeTimeout,
    Duration shutdownTimeout,
    String vhost) {

  /**
   * A user the SASL mechanisms accept; a loopback-only user may connect from 127.0.0.0/8 or ::1 only.
   * {@code permissions} maps each vhost the user may open to what it may do there (semantics §13); null (no
   * {@code permissions} block in the configuration) lets the user do everything in every vhost.
   */
  public record User(String name, String password, boolean loopbackOnly, Map<String, Permissions> permissions) {
    public User {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(password, "password");
      permissions = permissions == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(permissions));
    }

    /** A user who may do everything in every vhost. */
    public User(String name, String password, boolean loopbackOnly) {
      this(name, password, loopbackOnly, null);
    }

    /** What the user may do in {@code vhost}; empty when the user has no access to it. */
    public Optional<Permissions> permissionsIn(String vhost) {
      if (permissions == null) {
        return Optional.of(Permissions.ALL.forUser(name));
      }
      return Optional.ofNullable(permissions.get(vhost)).map(p -> p.forUser(name));
    }
  }

  public ServerSettings {
    users = List.copyOf(users);
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (frameMaxBytes < Frame.FRAME_MIN_SIZE) {
      throw new IllegalArgumentException("frame-max must be at least " + Frame.FRAME_MIN_SIZE + ", was " + frameMaxBytes);
    }
    if (channelMax < 1 || channelMax > 0xFFFF) {
      throw new IllegalArgumentException("channel-max must be 1..65535, was " + channelMax);
    }
    if (heartbeatSeconds < 0 || heartbeatSeconds > 0xFFFF) {
      throw new IllegalArgumentException("heartbeat must be 0..65535 seconds, was " + heartbeatSeconds);
    }
    if (heartbeatTimeoutFactor < 1) {
      throw new IllegalArgumentException("heartbeat-timeout-factor must be at least 1, was " + heartbeatTimeoutFactor);
    }
    if (outboundLowWatermarkBytes < 0 || outboundLowWatermarkBytes > outboundHighWatermarkBytes) {
      throw new IllegalArgumentException("need 0 <= outbound-low-watermark <= outbound-high-watermark, was "
          + outboundLowWatermarkBytes + " and " + outboundHighWatermarkBytes);
    }
    if (writeBatchSizeBytes < 1 || maxFramesBeforeOpen < 0 || maxMessageSizeBytes < 1) {
      throw new IllegalArgumentException("write-batch-size and max-message-size must be positive,"
          + " max-frames-before-open non-negative");
    }
    if (memoryHighWatermark <= 0) {
      throw new IllegalArgumentException("memory-high-watermark must be positive, was " + memoryHighWatermark);
    }
    if (backlog < 1 || maxConcurrentHandshakes < 1) {
      throw new IllegalArgumentException("backlog and max-concurrent-handshakes must be positive, were " + backlog
          + " and " + maxConcurrentHandshakes);
    }
    if (memoryCheckInterval.isNegative() || memoryCheckInterval.isZero() || memoryGcInterval.isNegative()) {
      throw new IllegalArgumentException("memory-check-interval must be positive and memory-gc-interval not"
          + " negative, were " + memoryCheckInterval + " and " + memoryGcInterval);
    }
  }

  /**
   * Reads {@code brokersim.server} (and {@code brokersim.vhost}) from {@code config}, falling back to the
   * reference configuration for anything missing; "profile" values are resolved against {@code profile}.
   */
  public static ServerSettings from(Config config, BrokerProfile profile) {
    Config root = config.withFallback(ConfigFactory.defaultReference()).resolve();
    return from(root, profile, vhosts(root));
  }

  /**
   * As {@link #from(Config, BrokerProfile)}, for a broker whose vhosts are {@code vhosts}: a user's permissions
   * for any other vhost are refused.
   */
  public static ServerSettings from(Config config, BrokerProfile profile, java.util.Collection<String> vhosts) {
    Config root = config.withFallback(ConfigFactory.defaultReference()).resolve();
    Config c = root.getConfig("brokersim.server");
    List<User> users = users(c, new LinkedHashSet<>(vhosts));
    int heartbeat;
    if (c.getValue("heartbeat").valueType() == ConfigValueType.STRING && "profile".equals(c.getString("heartbeat"))) {
      heartbeat = profile.serverHeartbeatSeconds();
    } else {
      try {
        heartbeat = c.getInt("heartbeat");
      } catch (ConfigException.WrongType e) {
        throw new ConfigException.BadValue("brokersim.server.heartbeat", "expected \"profile\" or whole seconds", e);
      }
    }
    int channelMax = c.getInt("channel-max") == 0 ? profile.serverChannelMax() : c.getInt("channel-max");
    if (channelMax > profile.serverChannelMax()) {
      // The broker's connection actor refuses channel numbers above the profile's limit.
      throw new IllegalArgumentException("channel-max " + channelMax + " is above the " + profile.name()
          + " limit " + profile.serverChannelMax());
    }
    long maxMessage = c.getBytes("max-message-size") == 0 ? defaultMaxMessageSize(profile) : c.getBytes("max-message-size");
    int frameMax = c.getInt("frame-max");
    if (frameMax < profile.frameMaxMinimum()) {
      throw new IllegalArgumentException("frame-max " + frameMax + " is below the " + profile.name()
          + " minimum " + profile.frameMaxMinimum());
    }
    return new ServerSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getInt("backlog"),
        c.getInt("max-concurrent-handshakes"),
        users,
        heartbeat,
        c.getDouble("heartbeat-timeout-factor"),
        frameMax,
        channelMax,
        maxMessage,
        c.getBytes("outbound-high-watermark"),
        c.getBytes("outbound-low-watermark"),
        Math.toIntExact(c.getBytes("write-batch-size")),
        c.getInt("max-frames-before-open"),
        c.getDouble("memory-high-watermark"),
        c.getDuration("memory-check-interval"),
        c.getDuration("memory-gc-interval"),
        c.getDuration("handshake-timeout"),
        c.getDuration("close-timeout"),
        c.getDuration("shutdown-timeout"),
        root.getString("brokersim.vhost"));
  }

  private static final Set<String> USER_FIELDS = Set.of("name", "password", "loopback-only", "permissions");
  private static final Set<String> PERMISSION_FIELDS = Set.of("configure", "write", "read");

  /** The broker's vhosts as the core reads them: {@code brokersim.vhost} and {@code brokersim.vhosts}. */
  private static Set<String> vhosts(Config root) {
    Set<String> names = new LinkedHashSet<>();
    names.add(root.getString("brokersim.vhost"));
    if (root.hasPath("brokersim.vhosts")) {
      names.addAll(root.getStringList("brokersim.vhosts"));
    }
    return names;
  }

  /**
   * {@code brokersim.server.users}: a field the server does not know, a permission that does not compile or one for
   * a vhost the broker does not have is refused, naming the user, the field and where it was set.
   */
  private static List<User> users(Config c, Set<String> vhosts) {
    List<User> users = new ArrayList<>();
    int index = 0;
    for (Config u : c.getConfigList("users")) {
      String at = "brokersim.server.users[" + index++ + "]";
      for (String key : u.root().keySet()) {
        if (!USER_FIELDS.contains(key)) {
          throw new IllegalArgumentException(at + "." + key + " (" + u.root().get(key).origin().description()
              + "): unknown field; a user has " + new java.util.TreeSet<>(USER_FIELDS));
        }
      }
      String name = u.getString("name");
      Map<String, Permissions> permissions = null;
      if (u.hasPath("permissions")) {
        permissions = new LinkedHashMap<>();
        ConfigObject byVhost = u.getObject("permissions");
        for (Map.Entry<String, ConfigValue> e : byVhost.entrySet()) {
          String where = at + ".permissions.\"" + e.getKey() + "\" (" + e.getValue().origin().description() + ")";
          if (!vhosts.contains(e.getKey())) {
            throw new IllegalArgumentException(where + ": no vhost '" + e.getKey() + "'; the broker's vhosts are "
                + vhosts + " (brokersim.vhost, brokersim.vhosts)");
          }
          if (!(e.getValue() instanceof ConfigObject o)) {
            throw new IllegalArgumentException(where + ": expected { configure = \"...\", write = \"...\", read = \"...\" }");
          }
          if (!o.keySet().equals(PERMISSION_FIELDS)) {
            throw new IllegalArgumentException(where + ": expected exactly configure, write and read, was " + o.keySet());
          }
          Config p = o.toConfig();
          try {
            permissions.put(e.getKey(), Permissions.of(name, p.getString("configure"), p.getString("write"),
                p.getString("read")));
          } catch (IllegalArgumentException | ConfigException bad) {
            throw new IllegalArgumentException(where + ": " + bad.getMessage(), bad);
          }
        }
      }
      users.add(new User(name, u.getString("password"), u.hasPath("loopback-only") && u.getBoolean("loopback-only"),
          permissions));
    }
    return users;
  }

  /** RabbitMQ's {@code max_message_size}: 128 MiB up to 3.13, 16 MiB from 4.0; LavinMQ 128 MiB (§3.7). */
  static long defaultMaxMessageSize(BrokerProfile profile) {
    return Handshake.rabbitMajor(profile) >= 4 ? 16L << 20 : 128L << 20;
  }

  /** The same settings listening on another port. */
  public ServerSettings withPort(int newPort) {
    return new ServerSettings(host, newPort, backlog, maxConcurrentHandshakes, users, heartbeatSeconds,
        heartbeatTimeoutFactor, frameMaxBytes, channelMax, maxMessageSizeBytes, outboundHighWatermarkBytes,
        outboundLowWatermarkBytes, writeBatchSizeBytes, maxFramesBeforeOpen, memoryHighWatermark,
        memoryCheckInterval, memoryGcInterval, handshakeTimeout, closeTimeout, shutdownTimeout, vhost);
  }
}
