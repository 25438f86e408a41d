package io.brokersim.amqp.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's TLS key and certificate chain, as an {@link SSLContext}: from a PKCS12 keystore, from PEM files (an
 * X.509 chain, leaf first, and an unencrypted PKCS#8 private key, RSA or EC), or generated at start: a CA
 * certificate and a server certificate it signs (for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the
 * listening host), both EC P-256, valid for a year. The generated CA is written as PEM (for pika, openssl) and as a
 * PKCS12 trust store (for Java clients) so clients can trust it; {@link #description()} says where and prints its
 * SHA-256 fingerprint.
 */
public final class TlsKeys {

  /** The password of the generated trust store (it holds only a public certificate). */
  public static final String TRUST_STORE_PASSWORD = "brokersim";

  private final SSLContext context;
  private final String description;
  private final Path caPem;
  private final Path trustStore;

  private TlsKeys(SSLContext context, String description, Path caPem, Path trustStore) {
    this.context = context;
    this.description = description;
    this.caPem = caPem;
    this.trustStore = trustStore;
  }

  /** The keys {@code settings} name, or generated ones for {@code host}. */
  public static TlsKeys load(TlsSettings settings, String host) {
    try {
      if (settings.keystore() != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(settings.keystore())) {
          ks.load(in, settings.keystorePassword().toCharArray());
        }
        return new TlsKeys(context(ks, settings.keystorePassword().toCharArray()), "PKCS12 keystore "
            + settings.keystore() + " (" + fingerprint(firstCertificate(ks)) + ")", null, null);
      }
      if (settings.certificate() != null) {
        List<X509Certificate> chain = pemCertificates(settings.certificate());
        PrivateKey key = pemPrivateKey(settings.privateKey());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] password = new char[0];
        ks.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
        return new TlsKeys(context(ks, password), "PEM certificate " + settings.certificate() + " ("
            + fingerprint(chain.get(0)) + ")", null, null);
      }
      return generate(settings.generatedDir(), host);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS key material: " + e.getMessage(), e);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalArgumentException("brokersim.server.tls: unusable key material: " + e.getMessage(), e);
    }
  }

  public SSLContext context() {
    return context;
  }

  /** Where the key came from and its certificate's SHA-256 fingerprint, for the start-up log line. */
  public String description() {
    return description;
  }

  /** The generated CA certificate (PEM), or null when a key was configured. */
  public Path caPem() {
    return caPem;
  }

  /** The generated CA as a PKCS12 trust store (password {@link #TRUST_STORE_PASSWORD}), or null. */
  public Path trustStore() {
    return trustStore;
  }

  private static TlsKeys generate(Path dir, String host) throws IOException, GeneralSecurityException,
      OperatorCreationException {
    Path out = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("brokersim-tls-");
    SecureRandom random = new SecureRandom();
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256, random);
    KeyPair caKeys = gen.generateKeyPair();
    KeyPair serverKeys = gen.generateKeyPair();
    Instant now = Instant.now();
    Date from = Date.from(now.minus(Duration.ofHours(1)));
    Date until = Date.from(now.plus(Duration.ofDays(365)));
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

    X500Name caName = new X500Name("CN=brokersim generated CA");
    X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, new BigInteger(64, random), from, until,
        caName, caKeys.getPublic());
    ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    ca.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(caKeys.getPublic()));
    X509Certificate caCert = sign(ca, caKeys.getPrivate());

    X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, new BigInteger(64, random), from, until,
        new X500Name("CN=localhost"), serverKeys.getPublic());
    server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
    server.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
    server.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names(host)));
    server.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(serverKeys.getPublic()));
    server.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(caCert));
    X509Certificate serverCert = sign(server, caKeys.getPrivate());

    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] password = new char[0];
    ks.setKeyEntry("server", serverKeys.getPrivate(), password, new Certificate[] {serverCert, caCert});

    Path caPem = out.resolve("brokersim-ca.pem");
    Files.writeString(caPem, pem(caCert), StandardCharsets.US_ASCII);
    Path trust = out.resolve("brokersim-truststore.p12");
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("brokersim-ca", caCert);
    try (OutputStream o = Files.newOutputStream(trust)) {
      ts.store(o, TRUST_STORE_PASSWORD.toCharArray());
    }
    return new TlsKeys(context(ks, password), "generated certificate for " + String.join(", ", describe(host))
        + ", signed by a generated CA (" + fingerprint(caCert) + ") written to " + caPem + " and " + trust
        + " (password " + TRUST_STORE_PASSWORD + ")", caPem, trust);
  }

  private static GeneralName[] names(String host) {
    List<GeneralName> names = new ArrayList<>();
    for (String n : describe(host)) {
      boolean ip = n.matches("[0-9.]+") || n.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
    }
    return names.toArray(new GeneralName[0]);
  }

  /** The names the generated certificate holds: localhost, the loopback addresses and the listening host. */
  private static List<String> describe(String host) {
    List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
    if (host != null && !host.isBlank() && !names.contains(host) && !host.equals("0.0.0.0") && !host.equals("::")) {
      names.add(host);
    }
    return names;
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA")
        .build(key)));
  }

  private static SSLContext context(KeyStore ks, char[] password) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, new SecureRandom());
    return ctx;
  }

  private static X509Certificate firstCertificate(KeyStore ks) throws GeneralSecurityException {
    for (String alias : java.util.Collections.list(ks.aliases())) {
      if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
        return c;
      }
    }
    throw new GeneralSecurityException("the keystore holds no private key with a certificate");
  }

  /** {@code SHA-256 AB:CD:...}, as {@code openssl x509 -fingerprint -sha256} prints it. */
  static String fingerprint(X509Certificate c) throws GeneralSecurityException {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
    return "SHA-256 " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
  }

  private static String pem(X509Certificate c) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
  }

  private static List<X509Certificate> pemCertificates(Path file) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        chain.add((X509Certificate) c);
      }
    }
    if (chain.isEmpty()) {
      throw new GeneralSecurityException(file + " holds no PEM certificate");
    }
    return chain;
  }

  private static PrivateKey pemPrivateKey(Path file) throws IOException, GeneralSecurityException {
    String text = Files.readString(file, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int start = text.indexOf(begin);
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < start) {
      throw new GeneralSecurityException(file + " holds no unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----);"
          + " convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(start + begin.length(), end));
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 key: " + last.getMessage());
  }
}
