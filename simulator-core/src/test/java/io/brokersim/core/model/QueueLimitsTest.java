package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueueLimitsTest {

  @Test
  void of_noArguments_isNone() {
    assertEquals(QueueLimits.NONE, QueueLimits.of(Map.of()));
    assertEquals(QueueLimits.NONE, QueueLimits.of(null));
  }

  @Test
  void of_readsEveryArgument_integersOfAnyWidth() {
    QueueLimits l = QueueLimits.of(Map.of("x-message-ttl", 100, "x-expires", 5000L, "x-max-length", (short) 3,
        "x-max-length-bytes", (byte) 9, "x-overflow", "reject-publish", "x-dead-letter-exchange", "dlx",
        "x-dead-letter-routing-key", "dead"));
    assertEquals(new QueueLimits(100, 5000, 3, 9, QueueLimits.Overflow.REJECT_PUBLISH, "dlx", "dead"), l);
    assertTrue(l.deadLetters());
  }

  @Test
  void of_dropHeadOverflowAndNoDlx() {
    QueueLimits l = QueueLimits.of(Map.of("x-overflow", "drop-head"));
    assertFalse(l.rejectPublish());
    assertNull(l.deadLetterExchange());
    assertFalse(l.deadLetters());
  }

  @ParameterizedTest(name = "max {0} msgs / {1} bytes, {2} ready / {3} bytes + {4} -> wouldOverflow {5}, overLimit {6}")
  @CsvSource({
      "-1, -1, 100, 1000, 10, false, false",
      " 2, -1,   1,   10, 10, false, false",
      " 2, -1,   2,   20, 10, true,  false",
      " 2, -1,   3,   30, 10, true,  true",
      "-1, 25,   2,   20, 10, true,  false",
      "-1, 25,   3,   30, 10, true,  true",
      " 0, -1,   0,    0,  1, true,  false",
  })
  void lengthLimits(long maxLength, long maxBytes, int ready, long readyBytes, int body, boolean wouldOverflow,
      boolean overLimit) {
    QueueLimits l = new QueueLimits(-1, -1, maxLength, maxBytes, QueueLimits.Overflow.DROP_HEAD, null, null);
    assertEquals(wouldOverflow, l.wouldOverflow(ready, readyBytes, body));
    assertEquals(overLimit, l.overLimit(ready, readyBytes));
  }
}
