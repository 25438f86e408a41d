package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The server's log while a test runs: every event of the {@code io.brokersim} loggers at INFO and above
 * (kept off the console meanwhile: a storm logs a line per connection), and of every other logger (Pekko's,
 * through slf4j) at WARN and above.
 */
final class LogCapture implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final Logger brokersim = (Logger) LoggerFactory.getLogger("io.brokersim");
  private final Level brokersimLevel = brokersim.getLevel();
  private final boolean brokersimAdditive = brokersim.isAdditive();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    brokersim.setLevel(Level.INFO);
    brokersim.setAdditive(false);
    brokersim.addAppender(appender);
    root.addAppender(appender);
  }

  static LogCapture start() {
    return new LogCapture();
  }

  /** The events so far, oldest first. */
  List<ILoggingEvent> events() {
    synchronized (appender.list) {
      return new ArrayList<>(appender.list);
    }
  }

  /** Formatted messages of events whose message contains {@code text}. */
  List<String> messagesContaining(String text) {
    return events().stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
  }

  /** Fails listing every event of the server's loggers (brokersim's and Pekko's) that carries a stack trace. */
  void assertNoStackTrace() {
    List<String> traces = new ArrayList<>();
    for (ILoggingEvent e : events()) {
      boolean server = e.getLoggerName().startsWith("io.brokersim") || e.getLoggerName().startsWith("org.apache.pekko");
      if (server && e.getThrowableProxy() != null) {
        traces.add(e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage() + "\n"
            + ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
    }
    assertEquals(List.of(), traces, "stack traces in the server log");
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    brokersim.detachAppender(appender);
    brokersim.setAdditive(brokersimAdditive);
    brokersim.setLevel(brokersimLevel);
    appender.stop();
  }
}
