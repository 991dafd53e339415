package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingNotificationSinkTest {

  @Test
  void line_isOneJsonObjectInIronicsFieldOrder() throws Exception {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("uuid", "1be26c0b-03f2-4d2e-ae87-c02d7f33c123");
    payload.put("provision_state", "deploying");
    payload.put("target_provision_state", null);
    payload.put("maintenance", false);
    payload.put("last_error", "line one\nline \"two\"");
    payload.put("extra", Map.of("rack", 7));
    Notification notification =
        new Notification(
            "baremetal.node.provision_set.start",
            "INFO",
            "ferrum-conductor.c1",
            Instant.parse("2026-11-22T10:15:30.123456Z"),
            payload);

    String line = LoggingNotificationSink.json(notification);

    assertThat(line).doesNotContain("\n");
    JsonNode json = new ObjectMapper().readTree(line);
    List<String> fields = new ArrayList<>();
    json.fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .containsExactly("event_type", "priority", "publisher_id", "timestamp", "payload");
    assertThat(json.get("event_type").asText()).isEqualTo("baremetal.node.provision_set.start");
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-22T10:15:30.123456Z");
    JsonNode body = json.get("payload");
    assertThat(body.get("target_provision_state").isNull()).isTrue();
    assertThat(body.get("maintenance").asBoolean(true)).isFalse();
    assertThat(body.get("last_error").asText()).isEqualTo("line one\nline \"two\"");
    assertThat(body.get("extra").get("rack").asInt()).isEqualTo(7);
  }
}
