package io.ferrum.conductor.internal;

import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareType;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * The hardware types a conductor may use: those found with {@link ServiceLoader} plus any given
 * explicitly, narrowed to the enabled names. Immutable and thread-safe.
 */
public final class DriverRegistry {

  private final Map<String, HardwareType> types;

  private DriverRegistry(Map<String, HardwareType> types) {
    this.types = Collections.unmodifiableMap(types);
  }

  /**
   * Builds the registry from the hardware types {@link ServiceLoader} finds through {@code loader}
   * and through the thread's context class loader (an application server's or a plugin system's,
   * where drivers often live), plus {@code explicit} ones.
   *
   * @param explicit hardware types given by the embedding code (win over discovered ones)
   * @param enabled the names to enable, or {@code null} for every type found
   * @throws IllegalArgumentException if an enabled name matches no hardware type
   */
  public static DriverRegistry load(
      Collection<HardwareType> explicit, Set<String> enabled, ClassLoader loader) {
    Map<String, HardwareType> found = new LinkedHashMap<>();
    for (HardwareType type : ServiceLoader.load(HardwareType.class, loader)) {
      found.put(type.name(), type);
    }
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (context != null && context != loader) {
      for (HardwareType type : ServiceLoader.load(HardwareType.class, context)) {
        found.putIfAbsent(type.name(), type);
      }
    }
    for (HardwareType type : explicit) {
      found.put(type.name(), type);
    }
    if (enabled == null) {
      return new DriverRegistry(found);
    }
    Map<String, HardwareType> chosen = new LinkedHashMap<>();
    for (String name : enabled) {
      HardwareType type = found.get(name);
      if (type == null) {
        throw new IllegalArgumentException(
            "Hardware type \""
                + name
                + "\" is enabled but not installed; found: "
                + found.keySet());
      }
      chosen.put(name, type);
    }
    return new DriverRegistry(chosen);
  }

  /**
   * Hands the operator's settings to every hardware type ({@link HardwareType#configure}), once,
   * before any other call.
   *
   * @throws IllegalArgumentException naming the hardware type whose settings are wrong
   */
  public void configure(DriverSettings settings) {
    for (HardwareType type : types.values()) {
      try {
        type.configure(settings);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Hardware type \"" + type.name() + "\": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The hardware type called {@code name}.
   *
   * @throws InvalidParameterException if it is not enabled here
   */
  public HardwareType require(String name) {
    HardwareType type = types.get(name);
    if (type == null) {
      throw new InvalidParameterException(
          "Driver \"" + name + "\" is not enabled on this conductor; enabled: " + names());
    }
    return type;
  }

  /** The enabled names, sorted. */
  public Set<String> names() {
    return new TreeSet<>(types.keySet());
  }
}
