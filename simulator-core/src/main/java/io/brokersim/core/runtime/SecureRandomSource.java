package io.brokersim.core.runtime;

import io.brokersim.core.model.RandomSource;
import java.security.SecureRandom;

/**
 * Unpredictable randomness for a broker that serves real clients: the names it generates (direct
 * reply-to names, {@code amq.gen-…} queues, {@code amq.ctag-…} consumer tags) are capabilities, since
 * whoever knows a reply name can publish a reply to it. Drawn from a {@link SecureRandom}, they cannot
 * be computed from a seed and the connection and channel numbers, as the brokers' own names cannot.
 *
 * <p>Not reproducible by design; {@link io.brokersim.core.Simulation} and a live broker given an explicit
 * seed use {@link Entropy} instead. {@link #fork(String)} returns this source: forks of a CSPRNG need no
 * separation by purpose, and one generator keeps the cost of seeding to once per broker. SecureRandom is
 * safe to share between the actors' threads.
 */
public final class SecureRandomSource implements RandomSource {

  private final SecureRandom random;

  private SecureRandomSource(SecureRandom random) {
    this.random = random;
  }

  /** A source over the platform's default CSPRNG. */
  public static SecureRandomSource create() {
    return new SecureRandomSource(new SecureRandom());
  }

  @Override
  public long nextLong() {
    return random.nextLong();
  }

  @Override
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }

  @Override
  public double nextDouble() {
    return random.nextDouble();
  }

  /** This source: every draw is unpredictable whatever the purpose. */
  @Override
  public RandomSource fork(String purpose) {
    if (purpose == null || purpose.isEmpty()) {
      throw new IllegalArgumentException("fork purpose must be a non-empty string");
    }
    return this;
  }

  @Override
  public byte[] nextBytes(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("byte count must not be negative, got " + n);
    }
    byte[] out = new byte[n];
    random.nextBytes(out);
    return out;
  }

  @Override
  public String toString() {
    return "SecureRandomSource[" + random.getAlgorithm() + "]";
  }
}
