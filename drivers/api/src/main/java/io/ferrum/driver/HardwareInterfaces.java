package io.ferrum.driver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ironic's hardware interfaces by name, and the implementation names a hardware type offers for
 * each ({@link HardwareType#supportedInterfaces()}). A node names its choice in its {@code
 * <interface>_interface} fields ({@code boot_interface}, ...). Immutable.
 *
 * <p>The driver SPI drives six of them ({@link #DRIVEN}); for the others a hardware type offers
 * Ironic's implementation that does nothing ({@link #NO_OP}). One of those, {@code raid}, may offer
 * more ({@link HardwareType#raid()}): a node whose {@code raid_interface} is not {@code no-raid}
 * may be given a target RAID configuration, which that interface checks. For the rest Ferrum makes
 * no call.
 */
public final class HardwareInterfaces {

  /** Every interface a node names, in Ironic's order (the ones of API version 1.78). */
  public static final List<String> NAMES =
      List.of(
          "bios",
          "boot",
          "console",
          "deploy",
          "inspect",
          "management",
          "network",
          "power",
          "raid",
          "rescue",
          "storage",
          "vendor");

  /** The interfaces the driver SPI drives: every hardware type implements them. */
  public static final List<String> DRIVEN =
      List.of("boot", "deploy", "inspect", "management", "power", "rescue");

  /**
   * For each interface Ferrum does not drive, Ironic's implementation that does nothing: {@code
   * no-bios}, {@code no-console}, {@code noop} (network), {@code no-raid}, {@code noop} (storage),
   * {@code no-vendor}. The {@code no-*} ones mean "not supported"; {@code noop} means "nothing to
   * do", which is fine.
   */
  public static final Map<String, String> NO_OP =
      Map.of(
          "bios", "no-bios",
          "console", "no-console",
          "network", "noop",
          "raid", "no-raid",
          "storage", "noop",
          "vendor", "no-vendor");

  private HardwareInterfaces() {}

  /**
   * One implementation called {@code implementation} for each {@link #DRIVEN} interface and the
   * {@link #NO_OP} one for each other, in {@link #NAMES} order.
   */
  public static Map<String, List<String>> single(String implementation) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      out.put(name, List.of(DRIVEN.contains(name) ? implementation : NO_OP.get(name)));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Whether {@code implementation} means the interface is not supported at all ({@code no-*}). */
  public static boolean unsupported(String implementation) {
    return implementation != null && implementation.startsWith("no-");
  }
}
