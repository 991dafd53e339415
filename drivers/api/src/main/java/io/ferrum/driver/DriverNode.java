package io.ferrum.driver;

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
 */
public record DriverNode(
    String uuid,
    String name,
    String driver,
    Map<String, Object> driverInfo,
    Map<String, Object> instanceInfo,
    Map<String, Object> properties) {

  public DriverNode {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(driver, "driver");
    driverInfo = immutable(driverInfo);
    instanceInfo = immutable(instanceInfo);
    properties = immutable(properties);
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
