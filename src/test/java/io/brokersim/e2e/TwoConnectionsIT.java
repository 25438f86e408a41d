package io.brokersim.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.brokersim.core.profile.BrokerProfile;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One connection's bad input never affects another's. */
@Timeout(60)
class TwoConnectionsIT {

  @Test
  void garbageOnOneConnection_otherConnectionKeepsWorking() throws Exception {
    try (WireBroker b = WireBroker.start(BrokerProfile.RABBITMQ_4); Connection good = b.connect("good")) {
      Channel ch = good.createChannel();
      ch.queueDeclare("steady", true, false, false, null);
      Random random = new Random(7);
      for (int round = 0; round < 20; round++) {
        try (Socket bad = new Socket("127.0.0.1", b.port())) {
          bad.setSoTimeout(5_000);
          OutputStream out = bad.getOutputStream();
          InputStream in = bad.getInputStream();
          out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
          readFrame(in); // connection.start
          byte[] garbage = new byte[64 + random.nextInt(4096)];
          random.nextBytes(garbage);
          garbage[0] = 1; // a method frame type, so the decoder gets past the type check sometimes
          out.write(garbage);
          out.flush();
          // Whatever the server answers (a connection.close or nothing), it must end this socket.
          drainUntilClosed(in);
        }
        ch.basicPublish("", "steady", null, ("m" + round).getBytes(UTF_8));
        assertEquals("m" + round, new String(JavaClientIT.poll(ch, "steady").getBody(), UTF_8));
      }
      assertTrue(good.isOpen());
      JavaClientIT.awaitTrue(() -> b.server.connectionCount() == 1);
    }
  }

  private static void readFrame(InputStream in) throws Exception {
    DataInputStream data = new DataInputStream(in);
    data.readUnsignedByte();
    data.readUnsignedShort();
    int size = data.readInt();
    data.readFully(new byte[size + 1]);
  }

  private static void drainUntilClosed(InputStream in) throws Exception {
    byte[] buf = new byte[4096];
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (in.read(buf) < 0) {
        return;
      }
    }
    throw new AssertionError("the server did not close the garbage connection");
  }
}
