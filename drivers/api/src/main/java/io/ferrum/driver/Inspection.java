package io.ferrum.driver;

import java.util.Map;

/**
 * What an inspection found.
 *
 * @param outcome {@link StepOutcome#DONE} with {@code properties}, or {@link StepOutcome#WAIT} for
 *     an out-of-band inspector that will call back
 * @param properties discovered properties with Ironic's names ({@code cpus}, {@code memory_mb},
 *     {@code local_gb}, {@code cpu_arch}), merged into the node's properties
 */
public record Inspection(StepOutcome outcome, Map<String, Object> properties) {
  public Inspection {
    properties = immutable(properties);
  }

  private static Map<String, Object> immutable(Map<String, Object> map) {
    return map == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(map));
  }
}
