package io.brokersim.core.runtime;

import java.util.concurrent.TimeoutException;

/**
 * A future awaited through a {@link Runtime} did not complete in time. In deterministic mode the
 * timeout is virtual time; the cause is always a {@link TimeoutException}.
 */
public final class AwaitTimeoutException extends RuntimeException {

    AwaitTimeoutException(String message) {
        super(message, new TimeoutException(message));
    }
}
