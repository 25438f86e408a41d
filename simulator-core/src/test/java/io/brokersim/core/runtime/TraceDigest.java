package io.brokersim.core.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * SHA-256 over trace lines {@code "<virtual nanos> <actor name> <event>\n"}. Lines carry actor
 * path names only: an ActorRef's toString holds a per-run random uid.
 */
final class TraceDigest {

    private final LongSupplier clockNanos;
    private final MessageDigest sha;
    private final StringBuilder line = new StringBuilder(96);
    private long events;

    TraceDigest(LongSupplier clockNanos) {
        this.clockNanos = clockNanos;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void record(String actorName, String event) {
        line.setLength(0);
        line.append(clockNanos.getAsLong()).append(' ').append(actorName).append(' ').append(event).append('\n');
        sha.update(line.toString().getBytes(StandardCharsets.UTF_8));
        events++;
    }

    long events() {
        return events;
    }

    /** Hex digest of everything recorded; call once, at the end of the run. */
    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
