package io.brokersim.core.runtime;

import java.util.Objects;
import java.util.function.Supplier;
import scala.Function0;
import scala.concurrent.BlockContext;
import scala.concurrent.BlockContext$;
import scala.concurrent.CanAwait;

/**
 * Scala {@link BlockContext} for the driver thread: before any {@code Await} inside Pekko blocks
 * (logger start-up, {@code SystemMaterializer}, additional materializers), it runs the loop until
 * quiet so the awaited actors get to run. An {@code Await} that needs virtual time to pass still
 * blocks until its real-time timeout, because only the driver can move the clock.
 */
public final class PumpingBlockContext implements BlockContext {

    private final SimLoop loop;

    /** A context that pumps {@code loop}. */
    public PumpingBlockContext(SimLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    @Override
    public <T> T blockOn(Function0<T> thunk, CanAwait permission) {
        if (loop.isOwnerThread()) {
            loop.runUntilQuiet();
        }
        return thunk.apply();
    }

    /** Runs {@code body} with this context installed on the current thread. */
    public <T> T call(Supplier<T> body) {
        Objects.requireNonNull(body, "body");
        return BlockContext$.MODULE$.withBlockContext(this, body::get);
    }
}
