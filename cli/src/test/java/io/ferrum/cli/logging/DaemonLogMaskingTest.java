package io.ferrum.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The daemon's log configuration formats every line and stack trace through the masking rule. */
class DaemonLogMaskingTest {

  @Test
  void logLines_masksSecretsInMessagesAndStackTraces() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    OutputStreamAppender<?> appender =
        (OutputStreamAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    @SuppressWarnings("unchecked")
    Encoder<ILoggingEvent> encoder = (Encoder<ILoggingEvent>) appender.getEncoder();
    Logger logger = context.getLogger("ferrum.api");
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.WARN,
            "connect to {} failed",
            new IllegalStateException(
                "driver_info {\"ipmi_password\": \"S4-oldpw\"}",
                new RuntimeException("token=S1-token")),
            new Object[] {"qemu+ssh://h/system?password=S5-nested"});

    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);

    assertThat(line).contains("connect to qemu+ssh://h/system?password=****** failed");
    assertThat(line).contains("IllegalStateException").contains("token=******");
    assertThat(line)
        .doesNotContain("S4-oldpw")
        .doesNotContain("S1-token")
        .doesNotContain("S5-nested");
  }
}
