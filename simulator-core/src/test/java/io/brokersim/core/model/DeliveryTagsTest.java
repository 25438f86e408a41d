package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryTagsTest {

  private static DeliveryTags<String> withFive() {
    DeliveryTags<String> t = new DeliveryTags<>();
    for (int i = 1; i <= 5; i++) {
      t.next("d" + i, true);
    }
    return t;
  }

  @Test
  void settle_multipleUpToTag_settlesLowerAndEqual() {
    DeliveryTags<String> t = withFive();
    assertEquals(List.of("d1", "d2", "d3"), t.settle(3, true).stream().map(DeliveryTags.Tagged::target).toList());
    assertEquals(2, t.outstandingCount());
  }

  @Test
  void settle_multipleWithZero_settlesAll() {
    DeliveryTags<String> t = withFive();
    assertEquals(5, t.settle(0, true).size());
    assertEquals(0, t.outstandingCount());
  }

  @Test
  void settle_doubleAck_unknown() {
    DeliveryTags<String> t = withFive();
    t.settle(2, false);
    assertNull(t.settle(2, false));
    assertNull(t.settle(2, true));
  }

  @Test
  void next_noAck_allocatesTagWithoutTracking() {
    DeliveryTags<String> t = new DeliveryTags<>();
    assertEquals(1, t.next("x", false));
    assertEquals(2, t.next("y", true));
    assertNull(t.settle(1, false));
    assertEquals(List.of(new DeliveryTags.Tagged<>(2, "y")), t.settle(2, false));
  }
}
