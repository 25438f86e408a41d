package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.ActorPaths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which vhost's listener settles a dead letter: the one whose subtree its recipient was in. */
class DeadLettersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "pekko://brokersim/user/queue-3, user",
      "pekko://brokersim/user/conn-1/ch-1, user",
      "pekko://brokersim/user/vhost-1/queue-3, vhost-1",
      "pekko://brokersim/user/vhost-2/conn-4/ch-1, vhost-2",
      "pekko://brokersim/temp/$a, user",
  })
  void owns_recipientInAVhostsSubtree_onlyThatVhost(String path, String owner) {
    for (String vhost : new String[] {"user", "vhost-1", "vhost-2"}) {
      assertEquals(vhost.equals(owner), DeadLetters.owns(vhost, ActorPaths.fromString(path)), vhost);
    }
  }
}
