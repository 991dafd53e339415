package io.ferrum.conductor;

import java.time.Instant;
import java.util.Map;

/**
 * A versioned notification, shaped like Ironic's: {@code baremetal.<object>.<action>.<status>} with
 * a node payload.
 *
 * @param eventType e.g. {@code baremetal.node.provision_set.start}
 * @param priority {@code INFO} or {@code ERROR}
 * @param publisherId {@code ferrum-conductor.<conductor name>}
 * @param timestamp when it was emitted
 * @param payload Ironic's payload fields (uuid, provision_state, event, previous_provision_state,
 *     ...); masked with {@link Secrets#mask} when the notification is made, so it never holds a
 *     secret whoever builds it
 */
public record Notification(
    String eventType,
    String priority,
    String publisherId,
    Instant timestamp,
    Map<String, Object> payload) {

  public Notification {
    payload = immutable(Secrets.mask(payload));
  }

  /** The node's UUID from the payload. */
  public String nodeUuid() {
    return (String) payload.get("uuid");
  }

  /** The last dot-separated part of the event type: start, end, success or error. */
  public String status() {
    return eventType.substring(eventType.lastIndexOf('.') + 1);
  }

  private static Map<String, Object> immutable(Map<String, Object> map) {
    return map == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
