package io.ferrum.cli.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.ferrum.conductor.Secrets;

/**
 * {@code %msg} with secrets masked ({@link Secrets#maskText}): whatever a log line quotes, a value
 * assigned to a secret key never reaches the log. Thread-safe.
 */
public final class MaskedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Secrets.maskText(super.convert(event));
  }
}
