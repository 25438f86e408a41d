package io.brokersim.core.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.fault.FaultFile.FaultFileException;
import io.brokersim.core.model.RandomSource;
import io.brokersim.core.runtime.Entropy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Custom fault actions used from fault files: registered in code, and found by ServiceLoader. */
class FaultActionSpiTest {

  /** A custom action registered in code: the message is lost and its connection dies with it. */
  static final String LOSE_AND_HANG_UP = "lose-and-hang-up";

  @BeforeAll
  static void registerCustomAction() {
    if (!FaultActions.types().contains(LOSE_AND_HANG_UP)) {
      FaultActions.register(LOSE_AND_HANG_UP, action -> new FaultAction() {
        @Override
        public String name() {
          return LOSE_AND_HANG_UP;
        }

        @Override
        public List<Effect> apply(FaultEvent event, RandomSource random) {
          return List.of(new Effect.Drop(), new Effect.CutConnection());
        }
      });
    }
  }

  private static FaultEvent event() {
    return new FaultEvent(Boundary.DELIVERED, "msg", "", "rpc_queue", "rpc_queue", "ctag", "conn-1", "client",
        "conn-1/ch-1", null, 0);
  }

  private static FaultRule rule(String action) {
    return FaultFile.parse("faults.rules = [ { name = custom, at = delivered, action " + action + " } ]", "test.conf")
        .rules().get(0);
  }

  @Test
  void register_customType_usableFromFaultFile() {
    FaultRule r = rule("{ type = lose-and-hang-up }");

    assertEquals(LOSE_AND_HANG_UP, r.action().name());
    assertEquals(List.of(new Effect.Drop(), new Effect.CutConnection()), r.action().apply(event(), new Entropy(1)));
  }

  @Test
  void register_existingType_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> FaultActions.register("drop", c -> FaultActions.drop()));
    assertThrows(IllegalArgumentException.class, () -> FaultActions.register(LOSE_AND_HANG_UP, c -> null));
  }

  @Test
  void serviceLoader_providerFromTestResources_isListedAfterBuiltIns() {
    List<String> types = FaultActions.types();

    assertTrue(types.contains("jitter"), types.toString());
    assertTrue(types.indexOf("jitter") > types.indexOf("stop-heartbeats"), types.toString());
  }

  @Test
  void serviceLoader_jitterFromFaultFile_delaysWithinBoundsFromTheRulesStream() {
    FaultRule r = rule("{ type = jitter, min = 10ms, max = 200ms }");
    FaultInjector a = new FaultInjector(List.of(r), new Entropy(42));
    FaultInjector b = new FaultInjector(List.of(r), new Entropy(42));

    for (int i = 0; i < 50; i++) {
      List<Effect> effects = a.decide(event()).get(0).effects();
      assertEquals(effects, b.decide(event()).get(0).effects());
      Duration d = ((Effect.Delay) effects.get(0)).delay();
      assertTrue(d.compareTo(Duration.ofMillis(10)) >= 0 && d.compareTo(Duration.ofMillis(200)) < 0, d.toString());
    }
  }

  @Test
  void serviceLoader_jitterMissingSetting_namesActionAndLine() {
    FaultFileException e = assertThrows(FaultFileException.class, () -> FaultFile.parse("""
        faults.rules = [
          {
            name = custom
            at = delivered
            action { type = jitter, min = 10ms }
          }
        ]
        """, "custom.conf"));

    assertEquals("faults.rules[0].action", e.field());
    assertEquals(5, e.line());
    assertTrue(e.getMessage().contains("bad settings for action type 'jitter'"), e.getMessage());
    assertTrue(e.getMessage().contains("max"), e.getMessage());
  }

  @Test
  void serviceLoader_jitterBadSettings_reportsTheFactorysReason() {
    FaultFileException e = assertThrows(FaultFileException.class,
        () -> rule("{ type = jitter, min = 1s, max = 10ms }"));
    assertTrue(e.getMessage().contains("jitter needs 0 <= min < max"), e.getMessage());

    FaultFileException unknown = assertThrows(FaultFileException.class,
        () -> rule("{ type = jitter, min = 1ms, max = 10ms, maxx = 20ms }"));
    assertTrue(unknown.getMessage().contains("unknown setting 'maxx'"), unknown.getMessage());
  }
}
