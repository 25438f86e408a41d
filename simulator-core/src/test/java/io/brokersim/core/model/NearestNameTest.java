package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NearestNameTest {

  private static final List<String> NAMES = List.of("run", "sweep", "serve", "scenarios", "profiles", "bench");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", value = {
      "rnu, run",            // neighbours swapped: one step
      "ru, run",             // the only name it begins
      "serv, serve",
      "sreve, serve",
      "scenario, scenarios",
      "profile, profiles",
      "s, none",             // begins three names: no guess
      "frobnicate, none",    // nothing close
      "xyz, none",
  })
  void to_typosAndPrefixes_nearestOrNone(String input, String expected) {
    assertEquals(Optional.ofNullable(expected), NearestName.to(input, NAMES));
  }

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource({
      "run, run, 0",
      "rnu, run, 1",
      "'', abc, 3",
      "kitten, sitting, 3",
      "--sed, --seed, 1",
  })
  void distance_editsWithAdjacentSwaps(String a, String b, int expected) {
    assertEquals(expected, NearestName.distance(a, b));
    assertEquals(expected, NearestName.distance(b, a));
  }
}
