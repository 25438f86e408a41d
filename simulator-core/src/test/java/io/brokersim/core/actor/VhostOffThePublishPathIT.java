package io.brokersim.core.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.brokersim.core.client.Driver;
import io.brokersim.core.client.RpcClient;
import io.brokersim.core.client.SimChannel;
import io.brokersim.core.client.SimConnection;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.runtime.DeterministicRuntime;
import io.brokersim.core.trace.Trace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vhost actor is never on the message path: a monitor sees every message the vhost actor receives,
 * and publishes, deliveries, acks and RPC replies (callback queue and direct reply-to) add none.
 */
class VhostOffThePublishPathIT {
  private final List<String> seenByVhost = new ArrayList<>();
  private DeterministicRuntime<VhostActor.Command> rt;

  @AfterEach
  void close() {
    if (rt != null) {
      rt.close();
    }
  }

  private Driver start(BrokerProfile profile) {
    rt = DeterministicRuntime.start(r -> Behaviors.<VhostActor.Command>setup(ctx -> {
      ActorRef<VhostActor.Command> monitor = ctx.spawn(Behaviors.receive(VhostActor.Command.class)
          .onAnyMessage(m -> {
            seenByVhost.add(m.getClass().getSimpleName());
            return Behaviors.same();
          }).build(), "monitor");
      BrokerContext broker = new BrokerContext(profile, "/", Trace.create(r::nowNanos), r::nowNanos, r::epochMillis,
          r.entropy().fork("broker"), FaultInjector.NONE);
      return Behaviors.monitor(VhostActor.Command.class, monitor, VhostActor.create(broker));
    }), "vhost-path", 1, com.typesafe.config.ConfigFactory.empty());
    return new Driver() {
      @Override
      public Scheduled schedule(Duration delay, Runnable task) {
        var c = rt.system().scheduler().scheduleOnce(delay, task, rt.system().executionContext());
        return c::cancel;
      }

      @Override
      public <T> T await(CompletionStage<T> stage) {
        return rt.await(stage);
      }
    };
  }

  @Test
  void publishDeliverAck_andRpc_neverReachTheVhost() {
    Driver driver = start(BrokerProfile.RABBITMQ_3);
    SimConnection server = rt.await(SimConnection.open(rt.system(), "server", driver));
    SimChannel s = server.openChannel();
    s.exchangeDeclare("work", "topic");
    s.queueDeclare("rpc", true, false, false, null);
    s.queueBind("rpc", "work", "job.#");
    s.basicConsume("rpc", false, (c, req) -> {
      if (req.properties().replyTo() == null) {
        c.basicAck(req.deliveryTag(), false);
        return;
      }
      c.basicPublish("", req.properties().replyTo(),
          BasicProperties.builder().correlationId(req.properties().correlationId()).build(), req.body());
      c.basicAck(req.deliveryTag(), false);
    });
    SimChannel client = rt.await(SimConnection.open(rt.system(), "client", driver)).openChannel();
    RpcClient direct = RpcClient.directReplyTo(client, "amq.rabbitmq.reply-to", "work", "job.direct",
        Duration.ofSeconds(5));
    SimChannel callback = rt.await(SimConnection.open(rt.system(), "client2", driver)).openChannel();
    RpcClient viaQueue = RpcClient.callbackQueue(callback, "", "rpc", Duration.ofSeconds(5));
    rt.runUntilQuiet();
    seenByVhost.clear();

    for (int i = 0; i < 200; i++) {
      client.basicPublish("work", "job.a", "m" + i);
      assertEquals("d" + i, direct.call("d" + i).bodyText());
      assertEquals("c" + i, viaQueue.call("c" + i).bodyText());
    }
    rt.runUntilQuiet();

    assertEquals(List.of(), seenByVhost, "messages the vhost actor received while messages flowed");
  }
}
