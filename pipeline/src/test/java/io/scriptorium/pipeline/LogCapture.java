package io.scriptorium.pipeline;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures every log event of this JVM (messages and stack traces) while open, at the levels given, instead of
 * printing them: for tests that scan logs for secrets. Restores levels and the console on close.
 */
public final class LogCapture extends AbstractAppender implements AutoCloseable {
  private final StringBuffer text = new StringBuffer();
  private final Map<String, Level> previousLevels = new LinkedHashMap<>();
  private final Map<String, Appender> removedRootAppenders = new LinkedHashMap<>();
  private int events;

  private LogCapture() {
    super("scriptorium-log-capture", null, null, true, Property.EMPTY_ARRAY);
  }

  /** @param levels logger name ("" for the root) to the level captured while open */
  public static LogCapture start(Map<String, Level> levels) {
    LogCapture capture = new LogCapture();
    capture.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    LoggerConfig root = config.getRootLogger();
    capture.removedRootAppenders.putAll(root.getAppenders());
    capture.removedRootAppenders.keySet().forEach(root::removeAppender);
    root.addAppender(capture, Level.ALL, null);
    levels.forEach((name, level) -> {
      capture.previousLevels.put(name, name.isEmpty() ? root.getLevel() : LogManager.getLogger(name).getLevel());
      if (name.isEmpty()) {
        Configurator.setRootLevel(level);
      } else {
        Configurator.setLevel(name, level);
      }
    });
    context.updateLoggers();
    return capture;
  }

  @Override
  public void append(LogEvent event) {
    StringBuilder line = new StringBuilder()
        .append(event.getLevel()).append(' ').append(event.getLoggerName()).append(": ")
        .append(event.getMessage().getFormattedMessage()).append('\n');
    if (event.getThrown() != null) {
      StringWriter trace = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(trace));
      line.append(trace);
    }
    synchronized (this) {
      events++;
      text.append(line);
    }
  }

  public synchronized String text() {
    return text.toString();
  }

  public synchronized int events() {
    return events;
  }

  @Override
  public void close() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    root.removeAppender(getName());
    removedRootAppenders.values().forEach(appender -> root.addAppender(appender, null, null));
    previousLevels.forEach((name, level) -> {
      if (name.isEmpty()) {
        Configurator.setRootLevel(level);
      } else {
        Configurator.setLevel(name, level);
      }
    });
    context.updateLoggers();
    stop();
  }
}
