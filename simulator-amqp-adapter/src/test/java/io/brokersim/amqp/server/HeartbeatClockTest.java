package io.brokersim.amqp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The heartbeat rules on a manual clock: no test here sleeps. */
class HeartbeatClockTest {

  private long now = 1_000_000_000L;
  private final HeartbeatClock clock = new HeartbeatClock(() -> now, 2.0);

  private void advance(Duration d) {
    now += d.toNanos();
  }

  @Test
  void start_zeroSeconds_noTicksAndNothingDue() {
    assertNull(clock.start(0));
    advance(Duration.ofHours(1));
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true));
  }

  @Test
  void start_tenSeconds_ticksEveryFiveSeconds() {
    assertEquals(Duration.ofSeconds(5), clock.start(10));
    assertEquals(Duration.ofMillis(500), new HeartbeatClock(() -> now, 2.0).start(1));
  }

  @Test
  void tick_halfIntervalWithoutWrites_sendsHeartbeat() {
    clock.start(10);
    advance(Duration.ofSeconds(4));
    clock.read();
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true));
    advance(Duration.ofSeconds(1));
    assertEquals(HeartbeatClock.Due.SEND, clock.tick(false, true));
  }

  @Test
  void tick_outboundBusy_sendsNoHeartbeat() {
    clock.start(10);
    advance(Duration.ofSeconds(6));
    clock.read();
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, false));
  }

  @Test
  void tick_writtenRecently_sendsNoHeartbeat() {
    clock.start(10);
    advance(Duration.ofSeconds(6));
    clock.read();
    clock.wrote();
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true));
  }

  @Test
  void tick_silentClientForTimeout_timesOut() {
    clock.start(10);
    advance(Duration.ofSeconds(20));
    clock.wrote();
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true)); // exactly the timeout: not yet
    advance(Duration.ofMillis(1));
    assertEquals(HeartbeatClock.Due.TIMED_OUT, clock.tick(false, true));
  }

  @Test
  void tick_readingPausedByServer_neverTimesOut() {
    clock.start(10);
    advance(Duration.ofMinutes(5));
    assertEquals(HeartbeatClock.Due.SEND, clock.tick(true, true));
  }

  @Test
  void stopSending_dueHeartbeat_notSent() {
    clock.start(10);
    clock.stopSending();
    advance(Duration.ofSeconds(6));
    clock.read();
    assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true));
  }

  @Test
  void ignoreClient_clientHeartbeatsOnly_timesOut() {
    clock.start(10);
    clock.ignoreClient();
    for (int i = 0; i < 4; i++) {
      advance(Duration.ofSeconds(5));
      clock.heartbeatRead();
      clock.wrote();
    }
    advance(Duration.ofSeconds(1));
    assertEquals(HeartbeatClock.Due.TIMED_OUT, clock.tick(false, true));
  }

  @Test
  void heartbeatRead_notIgnored_keepsConnectionAlive() {
    clock.start(10);
    for (int i = 0; i < 10; i++) {
      advance(Duration.ofSeconds(5));
      clock.heartbeatRead();
      clock.wrote();
      assertEquals(HeartbeatClock.Due.NOTHING, clock.tick(false, true));
    }
  }
}
