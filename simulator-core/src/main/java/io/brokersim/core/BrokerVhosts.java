package io.brokersim.core;

import io.brokersim.core.actor.BrokerView;
import io.brokersim.core.actor.VhostActor;
import io.brokersim.core.actor.Vhosts;
import io.brokersim.core.client.Driver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** What {@link Simulation} and {@link LiveBroker} do alike with a broker's virtual hosts. */
final class BrokerVhosts {
  private BrokerVhosts() {}

  /** The actor of vhost {@code name}; an unknown name is refused naming the vhosts there are. */
  static ActorRef<VhostActor.Command> actor(Vhosts vhosts, Driver driver, String name) {
    driver.await(vhosts.ready());
    return vhosts.get(name).orElseThrow(() -> new IllegalArgumentException("no vhost '" + name
        + "' in this broker; its vhosts are " + vhosts.names()));
  }

  /** Every vhost's name, the default first. */
  static List<String> names(Vhosts vhosts, Driver driver) {
    driver.await(vhosts.ready());
    return vhosts.names();
  }

  /** A {@link BrokerView} of vhost {@code name}, leaving out actors that do not answer within five seconds. */
  static BrokerView inspect(Vhosts vhosts, Driver driver, String name, Scheduler scheduler) {
    Duration timeout = Duration.ofSeconds(5);
    return driver.await(AskPattern.ask(actor(vhosts, driver, name),
        (ActorRef<BrokerView> replyTo) -> new VhostActor.Inspect(timeout, replyTo), timeout.plusSeconds(1), scheduler));
  }

  /** The live copies ({@code msgId@queue}) of every vhost's queues, for the fate ledger's check. */
  static List<String> liveCopies(Vhosts vhosts, Driver driver) {
    driver.await(vhosts.ready());
    List<String> all = new ArrayList<>();
    for (ActorRef<VhostActor.Command> v : vhosts.actors()) {
      CompletableFuture<List<String>> live = new CompletableFuture<>();
      v.tell(new VhostActor.ReportLive(live::complete));
      all.addAll(driver.await(live));
    }
    return all;
  }
}
