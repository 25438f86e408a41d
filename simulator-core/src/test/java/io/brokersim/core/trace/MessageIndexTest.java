package io.brokersim.core.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MessageIndexTest {

  /** Adds and removes at random (fixed seed) and checks every lookup and publish order against a LinkedHashMap. */
  @Test
  void remove_interleavedWithAdds_keepsLookupsAndPublishOrderRight() {
    MessageIndex index = new MessageIndex();
    Map<String, LedgerMessage> model = new LinkedHashMap<>();
    Random random = new Random(42);
    int next = 0;
    for (int step = 0; step < 20_000; step++) {
      if (model.isEmpty() || random.nextInt(3) > 0) {
        LedgerMessage m = new LedgerMessage("conn-1/ch-1#" + (next++), null, step, step);
        assertNull(index.putIfAbsent(m));
        model.put(m.msgId, m);
      } else {
        List<String> ids = new ArrayList<>(model.keySet());
        String victim = ids.get(random.nextInt(ids.size()));
        assertTrue(index.remove(model.remove(victim)));
        assertNull(index.get(victim));
      }
    }
    assertEquals(model.size(), index.size());
    for (LedgerMessage m : model.values()) {
      assertSame(m, index.get(m.msgId));
    }
    List<String> order = new ArrayList<>();
    for (LedgerMessage m = index.first(); m != null; m = m.next) {
      order.add(m.msgId);
    }
    assertEquals(new ArrayList<>(model.keySet()), order);
    List<String> backwards = new ArrayList<>();
    for (LedgerMessage m = index.last(); m != null; m = m.previous) {
      backwards.add(0, m.msgId);
    }
    assertEquals(order, backwards);
  }

  @Test
  void remove_aMessageNotHeld_returnsFalse() {
    MessageIndex index = new MessageIndex();
    index.putIfAbsent(new LedgerMessage("a", null, 1, 1));
    assertFalse(index.remove(new LedgerMessage("a", null, 2, 2)));
    assertEquals(1, index.size());
  }
}
