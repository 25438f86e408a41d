package io.brokersim.scenarios;

import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.profile.BrokerProfile;
import java.util.List;

/**
 * A reproducible RPC story: a topology and scripted participants (plain Java in {@link #run}), the broker
 * profiles it holds for, and what must happen ({@link #expectations}). The runner adds
 * {@link Expectations#nothingLostSilently()} to every run.
 *
 * <p>A scenario is stateless: {@link #run} builds everything from the context, so one instance serves any
 * number of runs, on any thread.
 */
public interface Scenario {

  /** Kebab-case name used on the command line: {@code lost-reply-requester-connection-dropped}. */
  String name();

  /** One line for {@code brokersim scenarios}. */
  String description();

  /** What the scenario teaches, in a few Markdown paragraphs, for the report. */
  String teaching();

  /** The broker profiles the scenario is written for; all of them unless it says otherwise. */
  default List<BrokerProfile> profiles() {
    return BrokerProfile.ALL;
  }

  /** Declares the topology, starts the participants and lets virtual time run. */
  void run(ScenarioContext ctx);

  /** What must hold once {@link #run} has returned. */
  List<Expectation> expectations();

  /**
   * What must hold under {@code profile}, for scenarios whose outcome differs by broker (the §1.6 mandatory
   * table, a name that is special on one broker only); {@link #expectations()} unless a scenario overrides it.
   */
  default List<Expectation> expectations(BrokerProfile profile) {
    return expectations();
  }

  /**
   * Fault rules the scenario is built on (a dead reply channel, a broker restart); none by default. The runner
   * builds the simulation with them, followed by the rules of any fault file given with {@code --faults}.
   */
  default FaultPlan faults() {
    return FaultPlan.NONE;
  }

  /**
   * Whether the story holds for any subset of the scenario's calls: its expectations speak of calls in general
   * ("every call gets exactly one reply"), not of particular ones, and no call is needed for another to happen.
   * Then {@code brokersim shrink} may leave calls out (a left-out call is never sent and never logged, and the
   * others keep their correlation_ids) to find a smaller run that fails the same way. False by default.
   */
  default boolean callsAreIndependent() {
    return false;
  }
}
