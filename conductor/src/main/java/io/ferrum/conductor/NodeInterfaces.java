package io.ferrum.conductor;

import io.ferrum.driver.HardwareInterfaces;
import io.ferrum.driver.HardwareType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The implementation a node uses for each hardware interface: what it chose, checked against what
 * its hardware type offers, and the hardware type's default for the rest. Stateless and
 * thread-safe.
 */
final class NodeInterfaces {

  private NodeInterfaces() {}

  /**
   * Every interface's implementation after a request: {@code requested} ({@code null} values ask
   * for the default), then, unless {@code reset} (the hardware type changed, so earlier choices
   * go), what {@code current} chose, then {@code type}'s default.
   *
   * @throws InvalidParameterException naming an interface or implementation {@code type} does not
   *     offer
   */
  static Map<String, String> resolve(
      HardwareType type,
      Map<String, String> current,
      Map<String, String> requested,
      boolean reset) {
    Map<String, List<String>> supported = type.supportedInterfaces();
    for (String name : requested.keySet()) {
      if (!HardwareInterfaces.NAMES.contains(name)) {
        throw new InvalidParameterException(
            "\""
                + name
                + "_interface\" is not a hardware interface; interfaces: "
                + HardwareInterfaces.NAMES);
      }
    }
    Map<String, String> resolved = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      List<String> offered = supported.getOrDefault(name, List.of());
      String chosen =
          requested.containsKey(name) ? requested.get(name) : reset ? null : current.get(name);
      if (chosen == null) {
        if (offered.isEmpty()) {
          continue;
        }
        chosen = offered.get(0);
      } else if (!offered.contains(chosen)) {
        throw new InvalidParameterException(
            name
                + "_interface \""
                + chosen
                + "\" is not supported by hardware type "
                + type.name()
                + "; supported: "
                + String.join(", ", offered));
      }
      resolved.put(name, chosen);
    }
    return resolved;
  }

  /** The implementation {@code node} uses for interface {@code name}. */
  static String of(HardwareType type, NodeAttributes attributes, String name) {
    String chosen = attributes.iface(name);
    if (chosen != null) {
      return chosen;
    }
    List<String> offered = type.supportedInterfaces().getOrDefault(name, List.of());
    return offered.isEmpty() ? null : offered.get(0);
  }

  /**
   * The validation of each interface Ironic validates that the driver SPI does not drive (vendor is
   * never validated): a {@code no-*} implementation fails as not supported, any other passes.
   */
  static Map<String, InterfaceValidation> validateUndriven(
      HardwareType type, NodeAttributes attributes) {
    Map<String, InterfaceValidation> results = new LinkedHashMap<>();
    for (String name : HardwareInterfaces.NAMES) {
      if (HardwareInterfaces.DRIVEN.contains(name) || name.equals("vendor")) {
        continue;
      }
      String chosen = of(type, attributes, name);
      results.put(
          name,
          chosen == null || HardwareInterfaces.unsupported(chosen)
              ? new InterfaceValidation(
                  false,
                  "Driver "
                      + type.name()
                      + " does not support "
                      + name
                      + " (disabled or not implemented).")
              : new InterfaceValidation(true, null));
    }
    return results;
  }
}
