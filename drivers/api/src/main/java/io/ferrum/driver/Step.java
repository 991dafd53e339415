package io.ferrum.driver;

import java.util.Map;
import java.util.Objects;

/**
 * One clean or service step, as Ironic's API takes them: {@code {"interface": "deploy", "step":
 * "erase_devices", "args": {...}}}.
 *
 * @param interfaceName the hardware interface that runs it
 * @param name the step's name
 * @param args its arguments
 */
public record Step(String interfaceName, String name, Map<String, Object> args) {
  public Step {
    Objects.requireNonNull(interfaceName, "interfaceName");
    Objects.requireNonNull(name, "name");
    args = immutable(args);
  }

  private static Map<String, Object> immutable(Map<String, Object> map) {
    return map == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
