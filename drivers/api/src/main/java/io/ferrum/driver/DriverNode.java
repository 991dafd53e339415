package io.ferrum.driver;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a driver sees of a node: its identity and the documents that configure it. An immutable
 * snapshot taken when the call starts; a driver reports what it learns through return values, never
 * by changing this.
 *
 * @param uuid the node's UUID
 * @param name the node's name, or {@code null}
 * @param driver the hardware type's name
 * @param driverInfo how to reach the hardware (addresses, credentials); secrets included
 * @param instanceInfo what to deploy (for example {@code image_source})
 * @param properties known hardware properties ({@code cpus}, {@code memory_mb}, ...)
 * @param driverInternalInfo what the conductor and drivers recorded about the node between calls
 *     (for example where a deploy ramdisk's agent listens, {@code agent_url}); read-only here
 * @param interfaces the implementation the node chose for each hardware interface, by interface
 *     name ({@code "deploy" -> "direct"}); empty when unknown
 * @param macs the MAC addresses of the node's ports, lower case with colons ({@code
 *     52:54:00:12:34:56}), in no particular order
 */
public record DriverNode(
    String uuid,
    String name,
    String driver,
    Map<String, Object> driverInfo,
    Map<String, Object> instanceInfo,
    Map<String, Object> properties,
    Map<String, Object> driverInternalInfo,
    Map<String, String> interfaces,
    List<String> macs) {

  public DriverNode {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(driver, "driver");
    driverInfo = immutable(driverInfo);
    instanceInfo = immutable(instanceInfo);
    properties = immutable(properties);
    driverInternalInfo = immutable(driverInternalInfo);
    interfaces =
        interfaces == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(interfaces));
    macs =
        macs == null ? List.of() : macs.stream().map(mac -> mac.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * A node with no recorded internal information, no interface choices and no ports: what a driver
   * sees of a node being created or checked.
   */
  public DriverNode(
      String uuid,
      String name,
      String driver,
      Map<String, Object> driverInfo,
      Map<String, Object> instanceInfo,
      Map<String, Object> properties) {
    this(uuid, name, driver, driverInfo, instanceInfo, properties, null, null, null);
  }

  /**
   * The implementation the node chose for {@code hardwareInterface} ({@code "boot"}, {@code
   * "deploy"}, ...), or {@code null} when the conductor did not say.
   */
  public String chosen(String hardwareInterface) {
    return interfaces.get(hardwareInterface);
  }

  /** {@code driver_info[key]} as a string, or {@code null} when absent. */
  public String info(String key) {
    Object value = driverInfo.get(key);
    return value == null ? null : value.toString();
  }

  /**
   * {@code driver_info[key]} as a non-blank string.
   *
   * @throws InvalidDriverInfoException naming the key when it is missing or blank
   */
  public String requireInfo(String key) {
    String value = info(key);
    if (value == null || value.isBlank()) {
      throw new InvalidDriverInfoException(
          "driver_info is missing \"" + key + "\", which the " + driver + " driver needs");
    }
    return value;
  }

  /** A label for messages: the name if there is one, else the UUID. */
  public String label() {
    return name != null ? name : uuid;
  }

  private static Map<String, Object> immutable(Map<String, Object> map) {
    return map == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
