package io.brokersim.amqp.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code brokersim.server.tls}: whether the server also (or only) listens for AMQP over TLS, on which port, and
 * with which key: a PKCS12 keystore, a PEM certificate chain with its PEM (PKCS#8) private key, or neither, in
 * which case a certificate is generated at start ({@link TlsKeys}). Read once; a setting that cannot take effect is
 * refused naming it and its line.
 */
public record TlsSettings(boolean enabled, int port, boolean plain, Path keystore, String keystorePassword,
    Path certificate, Path privateKey, Path generatedDir) {

  private static final Set<String> FIELDS = Set.of("enabled", "port", "plain", "keystore", "keystore-password",
      "certificate", "private-key", "generated-dir");

  /** No TLS listener. */
  public static final TlsSettings OFF = new TlsSettings(false, 5671, true, null, "", null, null, null);

  /** Reads {@code brokersim.server.tls} from {@code config} over the reference defaults. */
  public static TlsSettings from(Config config) {
    Config root = config.withFallback(ConfigFactory.defaultReference()).resolve();
    Config c = root.getConfig("brokersim.server.tls");
    for (String key : c.root().keySet()) {
      if (!FIELDS.contains(key)) {
        throw new IllegalArgumentException(where(c, key) + ": unknown setting; brokersim.server.tls has "
            + new java.util.TreeSet<>(FIELDS));
      }
    }
    boolean enabled = c.getBoolean("enabled");
    int port = c.getInt("port");
    if (port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException(where(c, "port") + ": must be 0..65535, was " + port);
    }
    Path keystore = path(c, "keystore");
    Path certificate = path(c, "certificate");
    Path privateKey = path(c, "private-key");
    if (keystore != null && (certificate != null || privateKey != null)) {
      throw new IllegalArgumentException(where(c, "keystore") + ": give either keystore (PKCS12) or certificate and"
          + " private-key (PEM), not both");
    }
    if ((certificate == null) != (privateKey == null)) {
      String missing = certificate == null ? "certificate" : "private-key";
      throw new IllegalArgumentException("brokersim.server.tls." + missing + ": needed with "
          + (certificate == null ? where(c, "private-key") : where(c, "certificate")));
    }
    for (String key : new String[] {"keystore", "certificate", "private-key"}) {
      Path p = path(c, key);
      if (enabled && p != null && !Files.isReadable(p)) {
        throw new IllegalArgumentException(where(c, key) + ": cannot read " + p);
      }
    }
    boolean plain = c.getBoolean("plain");
    if (!enabled && !plain) {
      throw new IllegalArgumentException(where(c, "plain") + ": false needs brokersim.server.tls.enabled = true"
          + " (the server would not listen at all)");
    }
    return new TlsSettings(enabled, port, plain, keystore, c.getString("keystore-password"), certificate, privateKey,
        path(c, "generated-dir"));
  }

  /** True when no key was configured: one is generated at start. */
  public boolean selfSigned() {
    return keystore == null && certificate == null;
  }

  /** The same settings on another TLS port. */
  public TlsSettings withPort(int newPort) {
    return new TlsSettings(enabled, newPort, plain, keystore, keystorePassword, certificate, privateKey, generatedDir);
  }

  private static Path path(Config c, String key) {
    String v = c.getString(key).trim();
    return v.isEmpty() ? null : Path.of(v);
  }

  private static String where(Config c, String key) {
    return "brokersim.server.tls." + key + " (" + c.getValue(key).origin().description() + ")";
  }
}
