package io.ferrum.conductor;

import java.time.Instant;
import java.util.Map;

/**
 * A node's network port, as stored. Immutable.
 *
 * @param uuid the port's UUID
 * @param address its MAC address, lower case and colon-separated; unique
 * @param nodeUuid the node it belongs to
 * @param portgroupUuid the port group it is a member of, or {@code null}
 * @param pxeEnabled whether the node may boot from the network through it
 * @param localLinkConnection where it is plugged in: {@code switch_id}, {@code port_id}, {@code
 *     switch_info}, {@code network_type}, {@code hostname}
 * @param physicalNetwork the physical network it is on, or {@code null}
 * @param isSmartnic whether it is a smart NIC
 * @param extra free-form user data
 * @param internalInfo what the conductor remembers about it
 * @param createdAt creation time
 * @param updatedAt last update, or {@code null}
 */
public record Port(
    String uuid,
    String address,
    String nodeUuid,
    String portgroupUuid,
    boolean pxeEnabled,
    Map<String, Object> localLinkConnection,
    String physicalNetwork,
    boolean isSmartnic,
    Map<String, Object> extra,
    Map<String, Object> internalInfo,
    Instant createdAt,
    Instant updatedAt) {

  public Port {
    localLinkConnection =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(localLinkConnection));
    extra = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    internalInfo =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(internalInfo));
  }
}
