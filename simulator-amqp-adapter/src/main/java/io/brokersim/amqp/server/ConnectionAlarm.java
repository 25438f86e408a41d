package io.brokersim.amqp.server;

import io.brokersim.amqp.codec.AmqpMethod;
import java.util.function.Consumer;

/**
 * The server's memory alarm as one connection sees it: {@code connection.blocked} to a client that announced
 * the capability while the alarm is on, {@code connection.unblocked} when it clears, and whether reading may
 * resume. The alarm's listener runs on the alarm's thread; {@link #changed} runs on the stage.
 */
final class ConnectionAlarm {

  private final Consumer<Boolean> listener;
  private boolean on;
  private boolean blockedSent;

  /** {@code listener} hands alarm changes to the stage (a stage's async callback). */
  ConnectionAlarm(Consumer<Boolean> listener) {
    this.listener = listener;
  }

  void subscribe(MemoryAlarm alarm) {
    on = alarm.subscribe(listener);
  }

  void unsubscribe(MemoryAlarm alarm) {
    alarm.unsubscribe(listener);
  }

  boolean on() {
    return on;
  }

  /** The connection is open: a blocked-capable client learns at once that the alarm is on. */
  void opened(boolean blockedCapable, Consumer<AmqpMethod> send) {
    if (on && blockedCapable) {
      block(send);
    }
  }

  /**
   * The alarm went on or off; {@code notify}: the connection is open and the client announced
   * {@code connection.blocked}. True when the alarm cleared, so reading may resume.
   */
  boolean changed(boolean nowOn, boolean notify, Consumer<AmqpMethod> send) {
    on = nowOn;
    if (nowOn) {
      if (notify) {
        block(send);
      }
      return false;
    }
    if (blockedSent && notify) {
      send.accept(new AmqpMethod.ConnectionUnblocked());
    }
    blockedSent = false;
    return true;
  }

  private void block(Consumer<AmqpMethod> send) {
    if (!blockedSent) {
      blockedSent = true;
      send.accept(new AmqpMethod.ConnectionBlocked("low on memory"));
    }
  }
}
