package io.ferrum.api;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK HTTP server's own limits: timeouts and header limits are not settings of a server but
 * system properties ({@code sun.net.httpserver.*}) read once per JVM, when the first server is
 * made. This sets them from the first {@link HttpLimits} used; a later server with other timeouts
 * gets the first one's, with a warning. Thread-safe.
 */
final class JdkServerSettings {

  private static final Logger LOG = LoggerFactory.getLogger("ferrum.api");
  private static HttpLimits applied;

  private JdkServerSettings() {}

  /** Sets the properties for {@code limits}, unless a server was already made in this JVM. */
  static synchronized void apply(HttpLimits limits) {
    if (applied != null) {
      if (!applied.readTimeout().equals(limits.readTimeout())
          || !applied.idleTimeout().equals(limits.idleTimeout())) {
        LOG.warn(
            "HTTP timeouts are set once per JVM; this server keeps read {} s and idle {} s",
            applied.readTimeout().toSeconds(),
            applied.idleTimeout().toSeconds());
      }
      return;
    }
    for (Map.Entry<String, String> property : properties(limits).entrySet()) {
      System.setProperty(property.getKey(), property.getValue());
    }
    applied = limits;
  }

  /** The system properties {@code limits} stand for. */
  static Map<String, String> properties(HttpLimits limits) {
    Map<String, String> properties = new LinkedHashMap<>();
    // A whole request (line, headers, body) must arrive within this, else the connection closes.
    properties.put(
        "sun.net.httpserver.maxReqTime", Long.toString(limits.readTimeout().toSeconds()));
    // The answer must be written, and taken by the client, within this.
    properties.put(
        "sun.net.httpserver.maxRspTime", Long.toString(HttpLimits.RESPONSE_TIMEOUT.toSeconds()));
    properties.put("sun.net.httpserver.timerMillis", "1000");
    // Kept-alive and newly accepted connections with no request are closed after this.
    properties.put(
        "sun.net.httpserver.idleInterval", Long.toString(limits.idleTimeout().toSeconds()));
    properties.put("sun.net.httpserver.clockTick", "1000");
    properties.put("sun.net.httpserver.maxReqHeaders", Integer.toString(HttpLimits.MAX_HEADERS));
    properties.put(
        "sun.net.httpserver.maxReqHeaderSize", Integer.toString(HttpLimits.MAX_HEADER_BYTES));
    // After an answer given without reading the whole body (a 413), the server reads and
    // discards this much of what is left before it closes: a client that sends its whole body
    // before reading then gets the answer, not a reset that loses it.
    properties.put(
        "sun.net.httpserver.drainAmount", Integer.toString(HttpLimits.MAX_DISCARDED_BODY_BYTES));
    // Without TCP_NODELAY the server writes headers and body separately and each response
    // waits out the client's delayed ACK (about 40 ms).
    properties.put("sun.net.httpserver.nodelay", "true");
    return properties;
  }
}
