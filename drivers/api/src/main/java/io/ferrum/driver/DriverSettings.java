package io.ferrum.driver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operator's settings for hardware types: named string values, such as {@code
 * libvirt-allowed-uris}, given to every hardware type once through {@link
 * HardwareType#configure(DriverSettings)}. Names are the ones {@code ferrum serve} takes as options
 * (without the dashes), as environment variables ({@code FERRUM_} and the name in upper case) and
 * as config-file keys; embedders pass them to the conductor's builder. A hardware type reads the
 * names it knows and ignores the rest.
 *
 * <p>Immutable and thread-safe.
 */
public final class DriverSettings {

  private static final DriverSettings NONE = new DriverSettings(Map.of());

  private final Map<String, String> values;

  private DriverSettings(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** Settings holding {@code values} (names to values; {@code null} values are dropped). */
  public static DriverSettings of(Map<String, String> values) {
    Map<String, String> copy = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          if (name != null && value != null) {
            copy.put(name, value);
          }
        });
    return new DriverSettings(copy);
  }

  /** No settings: every hardware type uses its defaults. */
  public static DriverSettings none() {
    return NONE;
  }

  /** The names that have a value. */
  public Set<String> names() {
    return values.keySet();
  }

  /** The value of {@code name}, or {@code fallback} when it has none. */
  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /**
   * The value of {@code name} as a comma-separated list (items trimmed, empty items dropped), or
   * {@code fallback} when it has no value. An empty value is an empty list: "allow nothing".
   */
  public List<String> list(String name, List<String> fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return List.copyOf(items);
  }

  /**
   * The end of every refusal an allowlist gives: which setting lets the operator allow {@code what}
   * (e.g. "a directory").
   */
  public static String howToAllow(String setting, String what) {
    return "an operator can add "
        + what
        + " with the "
        + setting
        + " setting (ferrum serve --"
        + setting
        + ")";
  }

  @Override
  public String toString() {
    return "DriverSettings" + values;
  }
}
