package io.brokersim.core.runtime;

import io.brokersim.core.model.RandomSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Seeded randomness for one run: a SplitMix64 stream plus per-purpose forks.
 *
 * <p>{@link #fork(String)} derives a child seed from this stream's seed and the purpose only, never
 * from how much has been drawn, so adding a new purpose (or drawing more from one) does not shift
 * any other stream. Forking the same purpose twice yields the same stream: use distinct purposes
 * such as {@code "node-" + index}.
 *
 * <p>The generator is written out here rather than taken from the JDK so a seed replays the same
 * values on any JDK. Methods are synchronized so live mode, where actors run on several threads,
 * never hands out the same value twice; deterministic mode only ever has the driver thread.
 */
public final class Entropy implements RandomSource {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;
    private static final byte[] FORK_DOMAIN = "brokersim.entropy.fork.v1".getBytes(StandardCharsets.US_ASCII);

    private final long seed;
    private long state;

    /** A stream determined entirely by {@code seed}. */
    public Entropy(long seed) {
        this.seed = seed;
        this.state = seed;
    }

    /** The seed this stream was created from (for forks: the derived seed). */
    public long seed() {
        return seed;
    }

    /** An independent stream derived from (this stream's seed, purpose) only. */
    public Entropy fork(String purpose) {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("fork purpose must be a non-empty string");
        }
        return new Entropy(deriveSeed(seed, purpose));
    }

    /** Next uniformly distributed 64-bit value. */
    public synchronized long nextLong() {
        state += GOLDEN_GAMMA;
        return mix64(state);
    }

    /** Uniform value in [0, bound); {@code bound} must be positive. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        int r = (int) (nextLong() >>> 33);
        int m = bound - 1;
        if ((bound & m) == 0) {
            return (int) ((bound * (long) r) >> 31);
        }
        for (int u = r; u - (r = u % bound) + m < 0; u = (int) (nextLong() >>> 33)) {
            // rejection keeps the distribution unbiased
        }
        return r;
    }

    /** Uniform value in [0, bound); {@code bound} must be positive. */
    public long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long m = bound - 1;
        long r = nextLong();
        if ((bound & m) == 0L) {
            return r & m;
        }
        for (long u = r >>> 1; u + m - (r = u % bound) < 0L; u = nextLong() >>> 1) {
            // rejection keeps the distribution unbiased
        }
        return r;
    }

    /** Uniform value in [0.0, 1.0). */
    public double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return nextDouble() < p;
    }

    /** {@code n} random bytes. */
    public byte[] nextBytes(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("byte count must not be negative, got " + n);
        }
        byte[] out = new byte[n];
        int i = 0;
        while (i < n) {
            long v = nextLong();
            for (int k = 0; k < Long.BYTES && i < n; k++) {
                out[i++] = (byte) v;
                v >>>= 8;
            }
        }
        return out;
    }

    /** {@code nBytes} random bytes as URL-safe base64 without padding (server-generated names). */
    public String base64Url(int nBytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(nextBytes(nBytes));
    }

    /** {@code nBytes} random bytes as standard base64 with padding. */
    public String base64(int nBytes) {
        return Base64.getEncoder().encodeToString(nextBytes(nBytes));
    }

    @Override
    public String toString() {
        return "Entropy[seed=" + seed + "]";
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long deriveSeed(long parentSeed, String purpose) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        sha.update(FORK_DOMAIN);
        for (int shift = 56; shift >= 0; shift -= 8) {
            sha.update((byte) (parentSeed >>> shift));
        }
        sha.update(purpose.getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha.digest();
        long derived = 0L;
        for (int i = 0; i < Long.BYTES; i++) {
            derived = (derived << 8) | (digest[i] & 0xFFL);
        }
        return derived;
    }
}
