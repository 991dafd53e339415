package io.ferrum.cli.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private LoggerContext context;
  private BatchingConsoleAppender appender;
  private Logger logger;

  @BeforeEach
  void start() {
    originalErr = System.err;
    System.setErr(new PrintStream(console, true, UTF_8));
    context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%-5level %msg%n");
    encoder.start();
    appender = new BatchingConsoleAppender();
    appender.setContext(context);
    appender.setName("test");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.setLingerMillis(3_600_000); // only drains, stops and warnings write
    appender.start();
    logger = context.getLogger("t");
    logger.addAppender(appender);
  }

  @AfterEach
  void restore() {
    appender.stop();
    System.setErr(originalErr);
  }

  private String console() {
    return console.toString(UTF_8);
  }

  @Test
  void infoLinesWaitForTheBatchAndAWarningWritesThemWithIt() {
    logger.info("request one");
    logger.info("request two");
    assertThat(console()).isEmpty();

    logger.warn("something is off");

    assertThat(console())
        .isEqualTo("INFO  request one\nINFO  request two\nWARN  something is off\n");
  }

  @Test
  void stoppingWritesWhatIsLeft() {
    logger.info("last words");
    assertThat(console()).isEmpty();

    appender.stop();

    assertThat(console()).isEqualTo("INFO  last words\n");
  }

  @Test
  void anAppenderThatFailsToStartLeavesNoWriterThread() {
    BatchingConsoleAppender bad = new BatchingConsoleAppender();
    bad.setContext(context);
    bad.setName("no-encoder");
    bad.start(); // no encoder: logback refuses to start it

    assertThat(bad.isStarted()).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().equals("ferrum-log-writer-no-encoder"));
  }

  @Test
  void aNegativeLingerIsAConfigurationError() {
    BatchingConsoleAppender bad = new BatchingConsoleAppender();
    bad.setContext(context);
    bad.setLingerMillis(-1);
    bad.start();
    assertThat(bad.isStarted()).isFalse();
  }
}
