package io.brokersim.management;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * The management server's settings, read once from {@code brokersim.management} (the module's reference.conf
 * says what each one means).
 */
public record ManagementSettings(String host, int port, Duration inspectTimeout, int eventsBuffer, int eventsReplayed,
    Duration eventsKeepAlive, int recentCalls, int recentMessages, long maxBodySizeBytes) {

  public ManagementSettings {
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("brokersim.management.port must be 0..65535, was " + port);
    }
    requirePositive("inspect-timeout", inspectTimeout.toMillis());
    requirePositive("events-buffer", eventsBuffer);
    requirePositive("events-keep-alive", eventsKeepAlive.toMillis());
    requirePositive("recent-calls", recentCalls);
    requirePositive("recent-messages", recentMessages);
    requirePositive("max-body-size", maxBodySizeBytes);
    if (eventsReplayed < 0) {
      throw new IllegalArgumentException("brokersim.management.events-replayed must be 0 or more, was "
          + eventsReplayed);
    }
  }

  private static void requirePositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("brokersim.management." + name + " must be positive, was " + value);
    }
  }

  /** Reads {@code brokersim.management} from {@code config}, the reference values filling what is missing. */
  public static ManagementSettings from(Config config) {
    Config c = config.withFallback(ConfigFactory.defaultReference()).resolve().getConfig("brokersim.management");
    return new ManagementSettings(c.getString("host"), c.getInt("port"), c.getDuration("inspect-timeout"),
        c.getInt("events-buffer"), c.getInt("events-replayed"), c.getDuration("events-keep-alive"),
        c.getInt("recent-calls"), c.getInt("recent-messages"), c.getBytes("max-body-size"));
  }

  /** The same settings on another port. */
  public ManagementSettings withPort(int newPort) {
    return new ManagementSettings(host, newPort, inspectTimeout, eventsBuffer, eventsReplayed, eventsKeepAlive,
        recentCalls, recentMessages, maxBodySizeBytes);
  }
}
