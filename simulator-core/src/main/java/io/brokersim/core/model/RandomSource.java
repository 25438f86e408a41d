package io.brokersim.core.model;

import java.util.Base64;

/**
 * Seeded randomness as the broker sees it. The deterministic runtime supplies one derived from the
 * run's seed; nothing in the broker creates randomness of its own.
 */
public interface RandomSource {

  long nextLong();

  /** A value in {@code [0, bound)}. */
  int nextInt(int bound);

  /** A value in {@code [0, 1)}. */
  double nextDouble();

  /** An independent stream for {@code purpose}, derived from this source's seed and the purpose only. */
  RandomSource fork(String purpose);

  /** {@code n} random bytes. */
  default byte[] nextBytes(int n) {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i += 8) {
      long v = nextLong();
      for (int j = 0; j < 8 && i + j < n; j++) {
        out[i + j] = (byte) (v >>> (8 * j));
      }
    }
    return out;
  }

  /** {@code prefix} followed by url-safe base64 (no padding) of {@code n} random bytes, e.g. {@code amq.gen-…}. */
  default String name(String prefix, int n) {
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(nextBytes(n));
  }

  /** Standard base64 with padding of {@code n} random bytes (RabbitMQ's reply-name key format). */
  default String base64(int n) {
    return Base64.getEncoder().encodeToString(nextBytes(n));
  }
}
