package io.brokersim.core.runtime;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceConfigurator;
import org.apache.pekko.dispatch.ExecutorServiceFactory;

/**
 * Dispatcher executor ({@code executor = "io.brokersim.core.runtime.DeterministicExecutorConfigurator"})
 * that never runs anything itself: {@code execute} only appends to the system's {@link SimLoop},
 * which the driver thread runs. Pekko instantiates it per dispatcher; the loop comes from the
 * system's {@link VirtualTimeScheduler}, so no static state links systems together.
 */
public final class DeterministicExecutorConfigurator extends ExecutorServiceConfigurator {

    private final SimLoop loop;

    /** Reflective constructor required by Pekko. */
    public DeterministicExecutorConfigurator(Config config, DispatcherPrerequisites prerequisites) {
        super(config, prerequisites);
        if (!(prerequisites.scheduler() instanceof VirtualTimeScheduler scheduler)) {
            throw new IllegalStateException(DeterministicExecutorConfigurator.class.getName()
                    + " needs pekko.scheduler.implementation = " + VirtualTimeScheduler.class.getName()
                    + " but the system's scheduler is " + prerequisites.scheduler().getClass().getName());
        }
        this.loop = scheduler.loop();
    }

    @Override
    public ExecutorServiceFactory createExecutorServiceFactory(String id, ThreadFactory threadFactory) {
        return () -> new LoopExecutorService(loop);
    }

    /**
     * Queues onto the loop. Work is accepted even after shutdown: Pekko's dispatcher shutdown
     * races with late mailbox scheduling, and there is no thread whose end could lose it.
     */
    static final class LoopExecutorService extends AbstractExecutorService {
        private final SimLoop loop;
        private volatile boolean shutdown;

        LoopExecutorService(SimLoop loop) {
            this.loop = loop;
        }

        @Override
        public void execute(Runnable command) {
            loop.submit(command);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public List<Runnable> shutdownNow() {
            shutdown = true;
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return shutdown;
        }
    }
}
