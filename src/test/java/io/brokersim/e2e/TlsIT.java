package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.typesafe.config.ConfigFactory;
import io.brokersim.amqp.server.TlsKeys;
import io.brokersim.core.profile.BrokerProfile;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AMQP over TLS: a generated certificate, a PKCS12 keystore and PEM files, with the Java client and pika. */
class TlsIT {

  private static WireBroker tls(BrokerProfile profile, String tlsConfig) {
    return WireBroker.start(profile, ConfigFactory.parseString("brokersim.server.tls { enabled = true, port = 0, "
        + tlsConfig + " }"));
  }

  /** A TLS 1.3 client context that trusts the certificates in a PKCS12 trust store. */
  static SSLContext trusting(Path trustStore, char[] password) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(trustStore)) {
      ts.load(in, password);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static ConnectionFactory amqps(WireBroker b, SSLContext trust) {
    ConnectionFactory f = b.factory();
    f.setHost("localhost");
    f.setPort(b.server.tlsAddress().orElseThrow().getPort());
    f.useSslProtocol(trust);
    f.enableHostnameVerification();
    return f;
  }

  private static void roundTrip(ConnectionFactory f, String queue) throws Exception {
    try (Connection c = f.newConnection("tls-it")) {
      Channel ch = c.createChannel();
      ch.queueDeclare(queue, true, false, false, null);
      ch.basicPublish("", queue, null, "over tls".getBytes(StandardCharsets.UTF_8));
      GetResponse g = null;
      for (int i = 0; i < 100 && g == null; i++) {
        g = ch.basicGet(queue, true);
        if (g == null) {
          Thread.sleep(20);
        }
      }
      assertEquals("over tls", new String(g.getBody(), StandardCharsets.UTF_8));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-4"})
  void generatedCertificate_javaClientTrustingTheWrittenCa_connectsAndVerifiesTheHostName(String profile,
      @TempDir Path dir) throws Exception {
    try (WireBroker b = tls(BrokerProfile.byName(profile).orElseThrow(), "generated-dir = \"" + dir + "\"")) {
      TlsKeys keys = b.server.tlsKeys().orElseThrow();
      assertEquals(dir.resolve("brokersim-ca.pem"), keys.caPem());
      assertTrue(keys.description().contains("SHA-256 "), keys.description());
      roundTrip(amqps(b, trusting(keys.trustStore(), TlsKeys.TRUST_STORE_PASSWORD.toCharArray())), "generated");
      // the plain listener is still there
      try (Connection plain = b.factory().newConnection("plain")) {
        assertTrue(plain.isOpen());
      }
    }
  }

  @Test
  void generatedCertificate_clientTrustingNothing_handshakeRefused(@TempDir Path dir) throws Exception {
    try (WireBroker b = tls(BrokerProfile.RABBITMQ_3, "generated-dir = \"" + dir + "\"")) {
      ConnectionFactory f = b.factory();
      f.setPort(b.server.tlsAddress().orElseThrow().getPort());
      SSLContext defaults = SSLContext.getInstance("TLSv1.3");
      defaults.init(null, null, null);
      f.useSslProtocol(defaults);
      Exception e = assertThrows(Exception.class, () -> f.newConnection("untrusting"));
      assertTrue(e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException, e.toString());
    }
  }

  /** A PKCS12 keystore made with the JDK's keytool, as a user would. */
  private static Path keytoolKeystore(Path dir) throws Exception {
    Path p12 = dir.resolve("server.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA",
        "-keysize", "2048", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit").redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return p12;
  }

  private static Path trustStoreFor(Path p12, Path dir) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("server", ks.getCertificate("server"));
    Path trust = dir.resolve("trust.p12");
    try (OutputStream o = Files.newOutputStream(trust)) {
      ts.store(o, "changeit".toCharArray());
    }
    return trust;
  }

  @Test
  void pkcs12Keystore_servedAsGiven_tlsOnly(@TempDir Path dir) throws Exception {
    Path p12 = keytoolKeystore(dir);
    try (WireBroker b = tls(BrokerProfile.LAVINMQ, "keystore = \"" + p12 + "\", keystore-password = changeit,"
        + " plain = false")) {
      assertFalse(b.server.plainListener());
      assertEquals(b.server.tlsAddress().orElseThrow(), b.server.address());
      assertTrue(b.server.tlsKeys().orElseThrow().description().startsWith("PKCS12 keystore " + p12));
      roundTrip(amqps(b, trusting(trustStoreFor(p12, dir), "changeit".toCharArray())), "p12");
    }
  }

  @Test
  void pemCertificateAndKey_servedAsGiven(@TempDir Path dir) throws Exception {
    Path p12 = keytoolKeystore(dir);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "changeit".toCharArray());
    }
    Certificate cert = ks.getCertificate("server");
    var mime = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    Path certPem = dir.resolve("cert.pem");
    Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
        + mime.encodeToString(ks.getKey("server", "changeit".toCharArray()).getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    try (WireBroker b = tls(BrokerProfile.RABBITMQ_3, "certificate = \"" + certPem + "\", private-key = \"" + keyPem
        + "\"")) {
      roundTrip(amqps(b, trusting(trustStoreFor(p12, dir), "changeit".toCharArray())), "pem");
    }
  }

  @Test
  void keystoreAndPemTogether_refusedNamingTheSetting() {
    var e = assertThrows(IllegalArgumentException.class, () -> tls(BrokerProfile.LAVINMQ,
        "keystore = a.p12, certificate = c.pem, private-key = k.pem"));
    assertTrue(e.getMessage().startsWith("brokersim.server.tls.keystore (String: 1): give either keystore"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3"})
  void pika_overTlsWithTheGeneratedCa(String profile, @TempDir Path dir) throws Exception {
    Pika.require();
    try (WireBroker b = tls(BrokerProfile.byName(profile).orElseThrow(), "generated-dir = \"" + dir + "\"")) {
      Pika.Result r = Pika.run("tls.py", String.valueOf(b.server.tlsAddress().orElseThrow().getPort()),
          b.server.tlsKeys().orElseThrow().caPem().toString());
      assertEquals(0, r.exitCode(), r.output());
      assertEquals(List.of("tls TLSv1.3 got secret"), r.lines());
    }
  }
}
