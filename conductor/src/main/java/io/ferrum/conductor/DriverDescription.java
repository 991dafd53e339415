package io.ferrum.conductor;

import io.ferrum.driver.HardwareType;
import java.util.List;
import java.util.Map;

/**
 * What an enabled hardware type offers: the implementations of each hardware interface (the default
 * first) and the {@code driver_info} keys it reads. Immutable.
 *
 * @param name the hardware type's name
 * @param interfaces interface name to its implementations, default first
 * @param properties {@code driver_info} key to a one-line description
 */
public record DriverDescription(
    String name, Map<String, List<String>> interfaces, Map<String, String> properties) {

  public DriverDescription {
    interfaces = Map.copyOf(interfaces);
    properties = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(properties));
  }

  /** The default implementation of interface {@code name}, or {@code null} if it has none. */
  public String defaultInterface(String name) {
    List<String> offered = interfaces.getOrDefault(name, List.of());
    return offered.isEmpty() ? null : offered.get(0);
  }

  static DriverDescription of(HardwareType type) {
    return new DriverDescription(type.name(), type.supportedInterfaces(), type.driverProperties());
  }
}
