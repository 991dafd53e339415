package io.ferrum.cli.logging;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.ferrum.conductor.Secrets;

/**
 * {@code %ex} with secrets masked ({@link Secrets#maskText}) in every exception message and cause
 * of the stack trace. Thread-safe.
 */
public final class MaskedThrowableConverter extends ThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return Secrets.maskText(super.throwableProxyToString(proxy));
  }
}
