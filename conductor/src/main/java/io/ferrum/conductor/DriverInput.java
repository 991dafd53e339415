package io.ferrum.conductor;

import io.ferrum.conductor.internal.DriverRegistry;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareType;
import java.util.Map;

/**
 * Puts what a request would store in a node's documents through its hardware type's {@link
 * HardwareType#checkInput} (the operator's allowlists for URIs, paths and images), before anything
 * is written. Stateless and thread-safe.
 */
final class DriverInput {

  private DriverInput() {}

  /**
   * Checks a node about to be created with the interfaces it will have ({@code interfaces}, by
   * interface name).
   *
   * @throws InvalidParameterException with the hardware type's reason when it refuses
   */
  static void check(HardwareType type, NodeSpec spec, Map<String, String> interfaces) {
    check(
        type,
        new DriverNode(
            spec.uuid() == null ? "(new)" : spec.uuid(),
            spec.name(),
            type.name(),
            spec.driverInfo(),
            spec.instanceInfo(),
            spec.properties(),
            null,
            interfaces,
            null));
  }

  /**
   * Checks {@code node} as {@code columns} (the changed fields of an update, interface choices
   * already resolved into their {@code <interface>_interface} columns) would leave it, with the
   * hardware type and interfaces it would then have.
   *
   * @throws InvalidParameterException with the hardware type's reason when it refuses
   */
  @SuppressWarnings("unchecked")
  static void check(DriverRegistry drivers, Node node, Map<String, Object> columns) {
    String driver = (String) columns.getOrDefault("driver", node.driver());
    Map<String, String> interfaces = new java.util.LinkedHashMap<>(node.attributes().interfaces());
    for (String name : io.ferrum.driver.HardwareInterfaces.NAMES) {
      if (columns.containsKey(name + "_interface")) {
        interfaces.put(name, (String) columns.get(name + "_interface"));
      }
    }
    check(
        drivers.require(driver),
        new DriverNode(
            node.uuid(),
            node.name(),
            driver,
            (Map<String, Object>) columns.getOrDefault("driver_info", node.driverInfo()),
            (Map<String, Object>) columns.getOrDefault("instance_info", node.instanceInfo()),
            (Map<String, Object>) columns.getOrDefault("properties", node.properties()),
            node.driverInternalInfo(),
            interfaces,
            null));
  }

  /** The hardware type's reason for refusing {@code node}, or {@code null} when it accepts it. */
  static String refusal(HardwareType type, DriverNode node) {
    try {
      type.checkInput(node);
      return null;
    } catch (DriverException e) {
      return e.getMessage();
    }
  }

  private static void check(HardwareType type, DriverNode node) {
    try {
      type.checkInput(node);
    } catch (DriverException e) {
      throw new InvalidParameterException(e.getMessage(), e);
    }
  }
}
