package io.ferrum.conductor;

import java.util.Map;

/**
 * What a deploy ramdisk's agent learns when it looks its node up: the node's UUID, properties,
 * {@code instance_info} and {@code driver_internal_info} (secrets masked, the agent token
 * included), the token the agent must send with every heartbeat, and how often to heartbeat.
 *
 * @param uuid the node's UUID
 * @param properties the node's properties
 * @param instanceInfo the node's {@code instance_info}, secrets masked as the API masks them
 * @param driverInternalInfo the node's {@code driver_internal_info}, secrets masked
 * @param agentToken the agent token, made by this lookup; {@link Secrets#MASK} when an earlier
 *     lookup of this ramdisk run already received it (the agent keeps the one it got)
 * @param heartbeatTimeoutSeconds after how many seconds without a heartbeat the agent counts as
 *     gone (agents heartbeat well within it)
 */
public record AgentLookup(
    String uuid,
    Map<String, Object> properties,
    Map<String, Object> instanceInfo,
    Map<String, Object> driverInternalInfo,
    String agentToken,
    long heartbeatTimeoutSeconds) {

  public AgentLookup {
    properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(properties);
    instanceInfo =
        instanceInfo == null ? Map.of() : java.util.Collections.unmodifiableMap(instanceInfo);
    driverInternalInfo =
        driverInternalInfo == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(driverInternalInfo);
  }

  /** Whether this lookup made the token (else it shows {@link Secrets#MASK}). */
  public boolean tokenIssued() {
    return !Secrets.MASK.equals(agentToken);
  }

  @Override
  public String toString() {
    return "AgentLookup[uuid=" + uuid + ", agentToken=" + Secrets.MASK + "]";
  }
}
