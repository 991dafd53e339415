package io.ferrum.conductor;

import java.time.Instant;
import java.util.Map;

/**
 * A port group: ports of one node bonded together. Immutable.
 *
 * @param uuid its UUID
 * @param name its unique name, or {@code null}
 * @param address its MAC address, or {@code null}; unique
 * @param nodeUuid the node it belongs to
 * @param mode the bonding mode ({@code active-backup}, {@code 802.3ad}, ...)
 * @param properties bonding properties
 * @param standalonePortsSupported whether its ports may also be used on their own
 * @param extra free-form user data
 * @param internalInfo what the conductor remembers about it
 * @param createdAt creation time
 * @param updatedAt last update, or {@code null}
 */
public record Portgroup(
    String uuid,
    String name,
    String address,
    String nodeUuid,
    String mode,
    Map<String, Object> properties,
    boolean standalonePortsSupported,
    Map<String, Object> extra,
    Map<String, Object> internalInfo,
    Instant createdAt,
    Instant updatedAt) {

  public Portgroup {
    properties = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(properties));
    extra = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    internalInfo =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(internalInfo));
  }
}
