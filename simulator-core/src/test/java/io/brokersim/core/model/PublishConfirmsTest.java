package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PublishConfirmsTest {

  @Test
  void release_unroutable_ackedImmediately() {
    PublishConfirms c = new PublishConfirms();
    long seq = c.nextSeq();
    c.routed(seq, 0);
    assertEquals(List.of(new PublishConfirms.Confirm(1, false, true)), c.release());
  }

  @Test
  void release_waitsForEveryQueue() {
    PublishConfirms c = new PublishConfirms();
    long seq = c.nextSeq();
    c.routed(seq, 2);
    c.queueResult(seq, true);
    assertTrue(c.release().isEmpty());
    c.queueResult(seq, true);
    assertEquals(1, c.release().size());
  }

  @Test
  void release_queueResultBeforeRouted_stillCompletes() {
    PublishConfirms c = new PublishConfirms();
    long seq = c.nextSeq();
    c.queueResult(seq, true);
    assertTrue(c.release().isEmpty());
    c.routed(seq, 1);
    assertEquals(1, c.release().size());
  }

  @Test
  void release_runOfAcks_coalescedWithMultiple() {
    PublishConfirms c = new PublishConfirms();
    for (int i = 0; i < 3; i++) {
      c.routed(c.nextSeq(), 0);
    }
    assertEquals(List.of(new PublishConfirms.Confirm(3, true, true)), c.release());
  }

  @Test
  void release_laterCompleteFirst_heldUntilEarlierDone() {
    PublishConfirms c = new PublishConfirms();
    long a = c.nextSeq();
    long b = c.nextSeq();
    c.routed(b, 0);
    assertTrue(c.release().isEmpty());
    c.routed(a, 0);
    assertEquals(List.of(new PublishConfirms.Confirm(2, true, true)), c.release());
  }

  @Test
  void release_nackInRun_splitsIntoAckThenNack() {
    PublishConfirms c = new PublishConfirms();
    long a = c.nextSeq();
    long b = c.nextSeq();
    c.routed(a, 0);
    c.routed(b, 1);
    c.queueResult(b, false);
    assertEquals(List.of(new PublishConfirms.Confirm(1, false, true), new PublishConfirms.Confirm(2, false, false)),
        c.release());
  }
}
