package io.brokersim.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.Trace;
import io.brokersim.core.trace.TraceEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RPC calls found among the ledger's messages, and where each stands. */
class RpcCallsTest {

  private static final String REQUESTER = "conn-1/ch-1";
  private static final String RESPONDER = "conn-2/ch-1";

  private final FateLedger ledger = FateLedger.create();
  private final Trace trace = Trace.create(() -> 0L, ledger);

  private void r(TraceEvent... events) {
    for (TraceEvent e : events) {
      trace.record(e);
    }
  }

  private void request(String id, String cid) {
    r(new TraceEvent.Published(id, REQUESTER, "", "rpc", false, false, cid, "amq.gen-cb", null, 4),
        new TraceEvent.Routed(id, "", "rpc", List.of("rpc")), new TraceEvent.Enqueued(id, "rpc", 1));
  }

  private void takeRequest(String id, long tag) {
    r(new TraceEvent.Delivered(id, "rpc", RESPONDER, "srv", tag, false, true));
  }

  private void reply(String id, String cid) {
    r(new TraceEvent.Published(id, RESPONDER, "", "amq.gen-cb", false, false, cid, null, null, 4));
  }

  private RpcCalls.Call only() {
    List<RpcCalls.Call> calls = RpcCalls.of(ledger.all(), 10);
    assertEquals(1, calls.size(), calls.toString());
    return calls.get(0);
  }

  @Test
  void requestWaitingInItsQueue_isWaiting() {
    request("q1", "c1");
    RpcCalls.Call c = only();
    assertEquals(RpcCalls.Status.WAITING, c.status());
    assertEquals("rpc", c.queue());
    assertEquals(null, c.responderChannel());
  }

  @Test
  void requestTaken_noReply_isNoReplyYet_namingTheResponder() {
    request("q1", "c1");
    takeRequest("q1", 1);
    RpcCalls.Call c = only();
    assertEquals(RpcCalls.Status.NO_REPLY_YET, c.status());
    assertEquals(RESPONDER, c.responderChannel());
  }

  @Test
  void replyDeliveredToTheCallbackQueueConsumer_isAnswered() {
    request("q1", "c1");
    takeRequest("q1", 1);
    reply("p1", "c1");
    r(new TraceEvent.Routed("p1", "", "amq.gen-cb", List.of("amq.gen-cb")), new TraceEvent.Enqueued("p1", "amq.gen-cb",
        1), new TraceEvent.Delivered("p1", "amq.gen-cb", REQUESTER, "cb", 1, false, true));
    RpcCalls.Call c = only();
    assertEquals(RpcCalls.Status.ANSWERED, c.status());
    assertEquals("p1", c.replyId());
    assertEquals("auto_acked", c.replyFate());
  }

  @Test
  void replyUnroutable_isReplyLost() {
    request("q1", "c1");
    takeRequest("q1", 1);
    reply("p1", "c1");
    r(new TraceEvent.Routed("p1", "", "amq.gen-cb", List.of()),
        new TraceEvent.Discarded("p1", null, TraceEvent.Discarded.CAUSE_UNROUTABLE, "no queue"));
    RpcCalls.Call c = only();
    assertEquals(RpcCalls.Status.REPLY_LOST, c.status());
    assertTrue(c.lost());
    assertEquals("dropped_unroutable", c.replyFate());
  }

  @Test
  void requestDroppedByAFault_isRequestLost() {
    r(new TraceEvent.Published("q1", REQUESTER, "", "rpc", false, false, "c1", "amq.gen-cb", null, 4),
        new TraceEvent.Discarded("q1", null, TraceEvent.Discarded.CAUSE_FAULT, "drop-requests"));
    RpcCalls.Call c = only();
    assertEquals(RpcCalls.Status.REQUEST_LOST, c.status());
    assertEquals("dropped_by_fault", c.requestFate());
  }

  @Test
  void manyCalls_theLastOnesInRequestOrder() {
    for (int i = 1; i <= 5; i++) {
      request("q" + i, "c" + i);
    }
    List<RpcCalls.Call> calls = RpcCalls.of(ledger.all(), 2);
    assertEquals(List.of("c4", "c5"), calls.stream().map(RpcCalls.Call::correlationId).toList());
  }

  @Test
  void messagesWithoutReplyToOrCorrelation_areNoCalls() {
    r(new TraceEvent.Published("x", REQUESTER, "", "rpc", false, false, null, null, null, 4));
    r(new TraceEvent.Published("y", REQUESTER, "", "rpc", false, false, "lonely-reply", null, null, 4));
    assertEquals(List.of(), RpcCalls.of(ledger.all(), 10));
  }
}
