package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.brokersim.amqp.codec.AmqpMethod;
import io.brokersim.amqp.codec.Frame;
import io.brokersim.amqp.codec.FrameEncoder;
import io.brokersim.amqp.codec.WireText;
import io.brokersim.core.model.BasicProperties;
import io.brokersim.core.profile.BrokerProfile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad input over TCP, one fresh connection per case, while a neighbour keeps doing direct reply-to RPCs
 * with the Java client: each class of bad input gets its broker's close code, seeded random mutations of
 * valid frames get a well-formed close (or valid replies) and never a hang, the neighbour's every call is
 * answered, and the server logs no stack trace.
 */
@Timeout(300)
class WireMutationIT {

  private static final int MUTATIONS = 150;
  private static final int PARALLEL_CONNECTIONS = 8;
  private static final Set<Integer> HARD_ERRORS = Set.of(501, 502, 503, 504, 505, 506, 530, 540, 541);
  /** Channel closes: the soft errors, and 505, which LavinMQ sends on a channel for content it cannot place. */
  private static final Set<Integer> SOFT_ERRORS = Set.of(403, 404, 405, 406, 505);

  @ParameterizedTest
  @ValueSource(strings = {"lavinmq", "rabbitmq-3", "rabbitmq-4"})
  void badInput_getsTheBrokersClose_andTheNeighboursRpcCarriesOn(String profileName) throws Exception {
    BrokerProfile profile = BrokerProfile.byName(profileName).orElseThrow();
    try (LogCapture log = LogCapture.start(); WireBroker b = WireBroker.start(profile);
        Neighbour rpc = new Neighbour(b)) {
      for (Map.Entry<String, byte[]> c : classes().entrySet()) {
        String expected = expected(profile, c.getKey());
        assertEquals(expected, answer(b, c.getValue()), profileName + ": " + c.getKey());
      }
      // The mutations are drawn from a seeded stream up front; connections then run eight at a time.
      Random random = new Random(19L * profileName.hashCode());
      List<byte[]> valid = validFrames();
      List<byte[]> mutated = new ArrayList<>();
      for (int i = 0; i < MUTATIONS; i++) {
        mutated.add(mutate(valid.get(random.nextInt(valid.size())), random));
      }
      ExecutorService clients = Executors.newFixedThreadPool(PARALLEL_CONNECTIONS);
      try {
        List<Future<String>> answers = new ArrayList<>();
        for (byte[] m : mutated) {
          answers.add(clients.submit(() -> answer(b, m)));
        }
        for (Future<String> a : answers) {
          String got = a.get(60, TimeUnit.SECONDS);
          assertTrue(got.equals("none") || got.startsWith("connection ") || got.startsWith("channel "), got);
        }
      } finally {
        clients.shutdownNow();
      }
      assertTrue(rpc.calls.get() > 0, "the neighbour made calls");
      rpc.close();
      assertEquals(List.of(), rpc.failures, "the neighbour's RPCs all answered");
      System.out.printf("%s: %d classes, %d mutated frames, neighbour %d RPCs answered%n", profileName,
          classes().size(), mutated.size(), rpc.calls.get());
      log.assertNoStackTrace();
    }
  }

  /** One representative of each class of bad input, sent after the handshake on channel 1. */
  private static Map<String, byte[]> classes() {
    FrameEncoder enc = new FrameEncoder(131072);
    byte[] qos = enc.encodeMethod(1, new AmqpMethod.BasicQos(0, 10, false));
    byte[] badEnd = qos.clone();
    badEnd[badEnd.length - 1] = 0;
    byte[] badUtf8 = enc.encodeMethod(1, new AmqpMethod.QueueDeclare(0, WireText.decode(new byte[] {'q', (byte) 0xff}),
        false, false, false, true, false, Map.of()));
    byte[] badProperty = concat(enc.encodeMethod(1, new AmqpMethod.BasicPublish(0, "", "q", false, false)),
        frame(Frame.TYPE_HEADER, 1, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0}));
    Map<String, byte[]> c = new LinkedHashMap<>();
    c.put("unknown frame type", frame(9, 1, new byte[0]));
    c.put("bad frame end", badEnd);
    c.put("frame above frame_max", new byte[] {1, 0, 1, 0, 4, 0, 0});
    c.put("truncated arguments", frame(Frame.TYPE_METHOD, 1, new byte[] {0, 60, 0, 10, 0, 0}));
    c.put("unknown method", frame(Frame.TYPE_METHOD, 1, new byte[] {0, 60, 0, 99}));
    c.put("content header without a method", enc.encode(Frame.ContentHeader.basic(1, 3, BasicProperties.EMPTY)));
    c.put("heartbeat on a channel", frame(Frame.TYPE_HEARTBEAT, 1, new byte[0]));
    c.put("method on a channel not open", enc.encodeMethod(5, new AmqpMethod.BasicQos(0, 10, false)));
    c.put("channel method on channel 0", enc.encodeMethod(0, new AmqpMethod.BasicQos(0, 10, false)));
    c.put("malformed content property", badProperty);
    c.put("queue name not UTF-8", badUtf8);
    c.put("unsolicited channel.close-ok", enc.encodeMethod(1, new AmqpMethod.ChannelCloseOk()));
    return c;
  }

  /** The answer each broker gives (RabbitMQ measured on 3.10.8, LavinMQ from its source). */
  private static String expected(BrokerProfile profile, String inputClass) {
    boolean lavin = profile.isLavinMq();
    return switch (inputClass) {
      case "unknown frame type", "bad frame end", "frame above frame_max", "truncated arguments" -> "connection 501";
      case "unknown method" -> "connection 540";
      case "content header without a method" -> lavin ? "channel 505" : "connection 505";
      case "heartbeat on a channel" -> "connection 505";
      case "method on a channel not open", "channel method on channel 0" -> "connection 504";
      case "malformed content property" -> lavin ? "connection 501" : "connection 541";
      case "queue name not UTF-8" -> lavin ? "channel 406" : "connection 501";
      case "unsolicited channel.close-ok" -> lavin ? "none" : "connection 503";
      default -> throw new IllegalArgumentException(inputClass);
    };
  }

  /** Sends {@code input} on a fresh connection and reports the close it got: "connection N", "channel N" or "none". */
  private static String answer(WireBroker b, byte[] input) throws Exception {
    try (RawAmqp c = RawAmqp.open(b.port())) {
      c.write(input);
      List<Frame> frames = c.closeAndCollect();
      AmqpMethod.ConnectionClose close = RawAmqp.connectionClose(frames);
      if (close != null) {
        assertTrue(HARD_ERRORS.contains(close.replyCode()) || close.replyCode() == 320, close.toString());
        return "connection " + close.replyCode();
      }
      for (Frame f : frames) {
        if (f instanceof Frame.Method m && m.method() instanceof AmqpMethod.ChannelClose cc) {
          assertTrue(SOFT_ERRORS.contains(cc.replyCode()), cc.toString());
          return "channel " + cc.replyCode();
        }
      }
      return "none";
    }
  }

  /** Valid frame sequences for channel 1 that mutations start from. */
  private static List<byte[]> validFrames() {
    FrameEncoder enc = new FrameEncoder(131072);
    List<byte[]> valid = new ArrayList<>();
    valid.add(enc.encodeMethod(1, new AmqpMethod.QueueDeclare(0, "m", false, false, false, true, false,
        Map.of("x-message-ttl", 60_000))));
    valid.add(enc.encodeMethod(1, new AmqpMethod.BasicQos(0, 10, false)));
    valid.add(enc.encodeMethod(1, new AmqpMethod.BasicConsume(0, "m", "tag", false, false, false, false, Map.of())));
    valid.add(enc.encodeMethod(1, new AmqpMethod.ExchangeDeclare(0, "x", "topic", false, false, true, false, false,
        Map.of())));
    valid.add(FrameEncoder.join(enc.encodeContent(1, new AmqpMethod.BasicPublish(0, "", "m", false, false),
        BasicProperties.builder().correlationId("c").replyTo("r").build(),
        ByteBuffer.wrap("payload".getBytes(UTF_8)))));
    return valid;
  }

  /** One to four seeded edits: flipped bits, octets inserted or deleted, a cut tail. */
  private static byte[] mutate(byte[] frame, Random random) {
    byte[] out = frame.clone();
    for (int edits = 1 + random.nextInt(4); edits > 0; edits--) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(4)) {
        case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> out = concat(Arrays.copyOf(out, at), new byte[] {(byte) random.nextInt(256)},
            Arrays.copyOfRange(out, at, out.length));
        case 2 -> out = out.length > 1 ? concat(Arrays.copyOf(out, at),
            Arrays.copyOfRange(out, at + 1, out.length)) : out;
        default -> out = Arrays.copyOf(out, Math.max(1, at));
      }
    }
    return out;
  }

  private static byte[] frame(int type, int channel, byte[] payload) {
    ByteBuffer b = ByteBuffer.allocate(payload.length + 8);
    b.put((byte) type).putShort((short) channel).putInt(payload.length).put(payload).put((byte) Frame.FRAME_END);
    return b.array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A requester and a responder doing direct reply-to RPCs one after another until closed. */
  private static final class Neighbour implements AutoCloseable {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    private final Connection requester;
    private final Connection responder;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread loop;

    Neighbour(WireBroker b) throws Exception {
      requester = b.connect("neighbour-requester");
      responder = b.connect("neighbour-responder");
      Channel server = responder.createChannel();
      server.queueDeclare("neighbour-rpc", true, false, false, null);
      server.basicConsume("neighbour-rpc", true, (tag, d) -> server.basicPublish("", d.getProperties().getReplyTo(),
          new AMQP.BasicProperties.Builder().correlationId(d.getProperties().getCorrelationId()).build(),
          d.getBody()), tag -> { });
      Channel client = requester.createChannel();
      BlockingQueue<String> replies = new LinkedBlockingQueue<>();
      client.basicConsume("amq.rabbitmq.reply-to", true,
          (tag, d) -> replies.add(d.getProperties().getCorrelationId()), tag -> { });
      loop = new Thread(() -> {
        try {
          for (int i = 0; running.get(); i++) {
            String id = "call-" + i;
            client.basicPublish("", "neighbour-rpc",
                new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").correlationId(id).build(),
                id.getBytes(UTF_8));
            String got = replies.poll(5, TimeUnit.SECONDS);
            if (!id.equals(got)) {
              failures.add(id + " answered with " + got);
            }
            calls.incrementAndGet();
            Thread.sleep(5);
          }
        } catch (Exception e) {
          failures.add(e.toString());
        }
      }, "neighbour-rpc");
      loop.start();
    }

    @Override
    public void close() throws Exception {
      if (running.getAndSet(false)) {
        loop.join(10_000);
        requester.close();
        responder.close();
      }
    }
  }
}
