package io.brokersim.core.runtime;

import java.time.Duration;

/** Prints the workload's trace hash, so a test can compare it across JVMs. Args: seed, virtual seconds. */
public final class ChattyMain {

    private ChattyMain() {
    }

    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        Duration virtual = Duration.ofSeconds(Long.parseLong(args[1]));
        ChattyRun run = ChattyRun.run(seed, virtual);
        System.out.println("HASH " + run.traceSha256() + " EVENTS " + run.events()
                + " FOREIGN " + run.foreignSubmissions());
    }
}
