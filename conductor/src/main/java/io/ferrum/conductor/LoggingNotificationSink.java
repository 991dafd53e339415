package io.ferrum.conductor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
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
    if ("ERROR".equals(notification.priority())) {
      if (LOG.isErrorEnabled()) {
        LOG.error(json(notification));
      }
    } else if (LOG.isInfoEnabled()) {
      LOG.info(json(notification));
    }
  }

  /** The notification as one line of JSON, written field by field (one per transition). */
  static String json(Notification notification) {
    StringWriter out = new StringWriter(512);
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("event_type", notification.eventType());
      json.writeStringField("priority", notification.priority());
      json.writeStringField("publisher_id", notification.publisherId());
      json.writeStringField("timestamp", notification.timestamp().toString());
      json.writeFieldName("payload");
      JSON.writeValue(json, notification.payload());
      json.writeEndObject();
    } catch (IOException e) {
      return notification.toString();
    }
    return out.toString();
  }
}
