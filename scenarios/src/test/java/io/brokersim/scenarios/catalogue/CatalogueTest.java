package io.brokersim.scenarios.catalogue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every catalogue scenario holds for seeds 0-9 under every profile it declares (docs/scenarios.md: 0-99). */
class CatalogueTest {

  static Stream<Arguments> runs() {
    List<Arguments> out = new ArrayList<>();
    for (Scenario s : Catalogue.all()) {
      for (BrokerProfile p : s.profiles()) {
        for (long seed = 0; seed <= 9; seed++) {
          out.add(Arguments.of(s.name(), p.name(), seed));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} seed {2}")
  @MethodSource("runs")
  void run_seeds0to9_everyDeclaredProfile_passes(String name, String profile, long seed) {
    ScenarioResult r = ScenarioRunner.run(Catalogue.find(name).orElseThrow(), seed,
        BrokerProfile.byName(profile).orElseThrow());
    assertEquals(ScenarioResult.Verdict.PASS, r.verdict(), r.firstProblem() + "\nreplay: " + r.replayCommand());
    assertEquals("nothing is lost silently: every message has a recorded fate",
        r.expectations().get(r.expectations().size() - 1).description());
  }

  @Test
  void catalogue_namesAreUniqueKebabCase_descriptionsOneLine_teachingPresent() {
    assertEquals(6, Catalogue.all().size());
    assertEquals(Catalogue.all().size(), new HashSet<>(Catalogue.names()).size());
    for (Scenario s : Catalogue.all()) {
      assertTrue(s.name().matches("[a-z0-9]+(-[a-z0-9]+)*"), s.name());
      assertFalse(s.description().contains("\n"), s.name());
      assertTrue(s.teaching().length() > 200, s.name());
      assertFalse(s.profiles().isEmpty(), s.name());
      assertFalse(s.expectations().isEmpty(), s.name());
    }
  }

  @Test
  void lostReplyRequesterConnectionDropped_explainsBothReplies() {
    ScenarioResult r = ScenarioRunner.run(new LostReplyRequesterConnectionDropped(), 7, BrokerProfile.RABBITMQ_4);
    assertEquals(2, r.explanations().size());
    assertTrue(r.explanations().get(0).broker().contains("was dropped as unroutable"), r.explanations().toString());
    assertTrue(r.explanations().get(1).broker().contains("312 NO_ROUTE"), r.explanations().toString());
  }

  @Test
  void lateReplyAfterTimeout_naiveClientReturnsThePreviousAnswer() {
    ScenarioResult r = ScenarioRunner.run(new LateReplyAfterTimeout(), 3, BrokerProfile.LAVINMQ);
    ScenarioResult.CallReport naive2 = r.calls().stream()
        .filter(c -> c.call().correlationId().equals("naive-2")).findFirst().orElseThrow();
    assertEquals("answer(slow report)", naive2.call().answer());
    assertEquals("answer(quick lookup)", r.calls().stream()
        .filter(c -> c.call().correlationId().equals("careful-2")).findFirst().orElseThrow().call().answer());
  }
}
