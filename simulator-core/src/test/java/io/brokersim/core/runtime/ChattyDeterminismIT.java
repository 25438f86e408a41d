package io.brokersim.core.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChattyDeterminismIT {

    private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

    @Test
    void chatty_sameSeedTwice_identicalTraceHash() {
        ChattyRun first = ChattyRun.run(42, TEN_MINUTES);
        ChattyRun second = ChattyRun.run(42, TEN_MINUTES);

        assertEquals(first.traceSha256(), second.traceSha256());
        assertEquals(first.events(), second.events());
        assertEquals(0, first.foreignSubmissions());
        assertEquals(0, second.foreignSubmissions());
        assertTrue(first.events() > 10_000, "workload too quiet: " + first);
        assertTrue(first.rpcOk() > 0 && first.rpcTimeouts() > 0 && first.rpcLate() > 0, first.toString());
        assertEquals(0, first.timeoutsNotAt30s(), "every RPC timeout lands exactly 30 s after its request");
        assertEquals(TEN_MINUTES.toNanos(), first.endNanos());
    }

    @Test
    void chatty_differentSeed_differentTraceHash() {
        ChattyRun a = ChattyRun.run(42, TEN_MINUTES);
        ChattyRun b = ChattyRun.run(43, TEN_MINUTES);

        assertNotEquals(a.traceSha256(), b.traceSha256());
        assertEquals(0, b.foreignSubmissions());
    }

    @Test
    void chatty_seedsOnParallelThreads_sameHashesAsSequential() throws Exception {
        Duration virtual = Duration.ofMinutes(2);
        String seq42 = ChattyRun.run(42, virtual).traceSha256();
        String seq43 = ChattyRun.run(43, virtual).traceSha256();

        String[] parallel = new String[2];
        Thread a = new Thread(() -> parallel[0] = ChattyRun.run(42, virtual).traceSha256());
        Thread b = new Thread(() -> parallel[1] = ChattyRun.run(43, virtual).traceSha256());
        a.start();
        b.start();
        a.join();
        b.join();

        assertEquals(List.of(seq42, seq43), List.of(parallel[0], parallel[1]));
    }

    @Test
    void chatty_sameSeedInSeparateJvm_identicalTraceHash() throws Exception {
        ChattyRun inJvm = ChattyRun.run(42, TEN_MINUTES);

        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ChattyMain.class.getName(), "42", Long.toString(TEN_MINUTES.toSeconds()))
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.add(line);
            }
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), String.join("\n", output));

        String hashLine = output.stream().filter(l -> l.startsWith("HASH ")).findFirst()
                .orElseThrow(() -> new AssertionError("no HASH line in child output:\n" + String.join("\n", output)));
        assertEquals("HASH " + inJvm.traceSha256() + " EVENTS " + inJvm.events() + " FOREIGN 0", hashLine);
    }

    @Test
    void chatty_oneVirtualHour_printsWallTime() {
        ChattyRun.run(7, Duration.ofMinutes(1)); // warm-up, so the figure is not class loading

        long startWall = System.nanoTime();
        ChattyRun run = ChattyRun.run(7, Duration.ofHours(1));
        long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startWall);

        System.out.printf("chatty workload, 1 virtual hour: %d ms wall (%.0fx real time); %d trace events,"
                + " %d tasks run, %d timer firings, %d rpc ok, %d rpc timeouts, %d late replies, foreign=%d%n",
                wallMillis, 3_600_000.0 / Math.max(1, wallMillis), run.events(), run.tasksRun(), run.timersFired(),
                run.rpcOk(), run.rpcTimeouts(), run.rpcLate(), run.foreignSubmissions());
        assertEquals(0, run.foreignSubmissions());
        assertEquals(0, run.timeoutsNotAt30s());
    }
}
