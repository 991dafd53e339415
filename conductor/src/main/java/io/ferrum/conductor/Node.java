package io.ferrum.conductor;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A node as stored: an immutable snapshot. Field names follow Ironic's.
 *
 * <p>{@code driverInfo} and {@code instanceInfo} hold secrets; {@link #maskedDriverInfo()} and
 * {@link #maskedInstanceInfo()} are what may be shown or logged (the rule is {@link Secrets}'s).
 *
 * @param id the database id (internal)
 * @param uuid the node's UUID
 * @param name its unique name, or {@code null}
 * @param driver the hardware type's name
 * @param driverInfo how to reach the hardware, secrets included
 * @param driverInternalInfo what drivers and flows remember between calls
 * @param instanceInfo what to deploy
 * @param properties hardware properties ({@code cpus}, {@code memory_mb}, ...)
 * @param extra free-form user data
 * @param provisionState the provision state
 * @param targetProvisionState the stable state being aimed at, or {@code null}
 * @param provisionUpdatedAt when the provision state last changed
 * @param powerState the power state, or {@code null} when unknown
 * @param targetPowerState the power state a running request aims at, or {@code null}
 * @param reservation the conductor holding the node's exclusive lock, or {@code null}
 * @param lastError the last failure's reason, or {@code null}
 * @param maintenance whether the node is in maintenance
 * @param maintenanceReason why, or {@code null}
 * @param fault the fault that put it there ({@code "power failure"}, ...), or {@code null}
 * @param conductorAffinity the conductor that last prepared the node, or {@code null}
 * @param createdAt creation time
 * @param updatedAt last update time, or {@code null}
 * @param version incremented by every update
 * @param conductorGroup the conductor group whose conductors run the node's periodic work ({@code
 *     ""}: the default group)
 * @param attributes what describes and classifies the node ({@link NodeAttributes})
 * @param instanceUuid the instance the node is associated with, or {@code null}; an allocation sets
 *     it to its own UUID
 * @param allocationUuid the UUID of the node's allocation ({@link Allocations}), or {@code null}
 * @param targetRaidConfig the RAID configuration asked of the node's RAID interface ({@link
 *     NodeRaid}), empty when none
 * @param raidConfig the RAID configuration the node's RAID interface last applied, empty when none;
 *     set only by a RAID interface, never by a user
 */
public record Node(
    long id,
    String uuid,
    String name,
    String driver,
    Map<String, Object> driverInfo,
    Map<String, Object> driverInternalInfo,
    Map<String, Object> instanceInfo,
    Map<String, Object> properties,
    Map<String, Object> extra,
    String provisionState,
    String targetProvisionState,
    Instant provisionUpdatedAt,
    String powerState,
    String targetPowerState,
    String reservation,
    String lastError,
    boolean maintenance,
    String maintenanceReason,
    String fault,
    String conductorAffinity,
    Instant createdAt,
    Instant updatedAt,
    long version,
    String conductorGroup,
    NodeAttributes attributes,
    String instanceUuid,
    String allocationUuid,
    Map<String, Object> targetRaidConfig,
    Map<String, Object> raidConfig) {

  /** What secrets are replaced with: {@link Secrets#MASK}. */
  public static final String MASK = Secrets.MASK;

  public Node {
    Objects.requireNonNull(uuid, "uuid");
    conductorGroup = conductorGroup == null ? "" : conductorGroup;
    driverInfo = immutable(driverInfo);
    driverInternalInfo = immutable(driverInternalInfo);
    instanceInfo = immutable(instanceInfo);
    properties = immutable(properties);
    extra = immutable(extra);
    attributes = attributes == null ? NodeAttributes.NONE : attributes;
    targetRaidConfig = immutable(targetRaidConfig);
    raidConfig = immutable(raidConfig);
  }

  /** {@code driverInfo} with its secrets masked ({@link Secrets#mask}). */
  public Map<String, Object> maskedDriverInfo() {
    return Secrets.mask(driverInfo);
  }

  /** {@code instanceInfo} with its secrets masked ({@link Secrets#maskInstanceInfo}). */
  public Map<String, Object> maskedInstanceInfo() {
    return Secrets.maskInstanceInfo(instanceInfo);
  }

  /** {@code info} with its secrets masked: {@link Secrets#mask}. */
  public static Map<String, Object> mask(Map<String, Object> info) {
    return Secrets.mask(info);
  }

  /** Whether a document key holds a secret: {@link Secrets#isSecretKey}. */
  public static boolean isSecret(String key) {
    return Secrets.isSecretKey(key);
  }

  /** This snapshot with another reservation (as seen after a release, say). */
  public Node withReservation(String holder) {
    return new Node(
        id,
        uuid,
        name,
        driver,
        driverInfo,
        driverInternalInfo,
        instanceInfo,
        properties,
        extra,
        provisionState,
        targetProvisionState,
        provisionUpdatedAt,
        powerState,
        targetPowerState,
        holder,
        lastError,
        maintenance,
        maintenanceReason,
        fault,
        conductorAffinity,
        createdAt,
        updatedAt,
        version,
        conductorGroup,
        attributes,
        instanceUuid,
        allocationUuid,
        targetRaidConfig,
        raidConfig);
  }

  /** A label for messages: the name if there is one, else the UUID. */
  public String label() {
    return name != null ? name : uuid;
  }

  @Override
  public String toString() {
    return "Node["
        + uuid
        + (name == null ? "" : " " + name)
        + " "
        + provisionState
        + (targetProvisionState == null ? "" : "->" + targetProvisionState)
        + ", power "
        + powerState
        + (reservation == null ? "" : ", reserved by " + reservation)
        + "]";
  }

  private static Map<String, Object> immutable(Map<String, Object> map) {
    return map == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
