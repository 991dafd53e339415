package io.ferrum.conductor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each notification as one JSON line to the SLF4J logger {@code ferrum.notifications} (INFO,
 * or ERROR for error notifications). Thread-safe.
 */
public final class LoggingNotificationSink implements NotificationSink {

  private static final Logger LOG = LoggerFactory.getLogger("ferrum.notifications");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public void emit(Notification notification) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("event_type", notification.eventType());
    line.put("priority", notification.priority());
    line.put("publisher_id", notification.publisherId());
    line.put("timestamp", notification.timestamp().toString());
    line.put("payload", notification.payload());
    String text;
    try {
      text = JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      text = line.toString();
    }
    if ("ERROR".equals(notification.priority())) {
      LOG.error(text);
    } else {
      LOG.info(text);
    }
  }
}
