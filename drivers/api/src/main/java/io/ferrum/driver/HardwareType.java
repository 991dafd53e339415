package io.ferrum.driver;

import java.util.List;
import java.util.Map;

/**
 * A kind of hardware Ferrum can drive (Ironic's "hardware type"): a name and one implementation of
 * each hardware interface. Implementations register in {@code
 * META-INF/services/io.ferrum.driver.HardwareType}; the conductor loads them with {@link
 * java.util.ServiceLoader} and enables those its configuration names.
 *
 * <p>Only {@link #name()} and {@link #power()} must be written: every other interface defaults to
 * one that refuses each call (its {@code validate} included) with an {@link
 * UnsupportedDriverOperationException} naming the hardware type and the call, so a hardware type
 * that only powers machines is three methods long.
 *
 * <p>Implementations must be thread-safe (see the package documentation).
 */
public interface HardwareType {

  /** The name nodes use in their {@code driver} field, for example {@code "fake-hardware"}. */
  String name();

  /** Power control. */
  PowerInterface power();

  /** Boot device management. Default: none (every call is refused). */
  default ManagementInterface management() {
    return Unsupported.of(ManagementInterface.class, "management", name());
  }

  /** Deployment. Default: none (every call is refused). */
  default DeployInterface deploy() {
    return Unsupported.of(DeployInterface.class, "deploy", name());
  }

  /** Boot preparation. Default: none (every call is refused). */
  default BootInterface boot() {
    return Unsupported.of(BootInterface.class, "boot", name());
  }

  /** Hardware inspection. Default: none (every call is refused). */
  default InspectInterface inspect() {
    return Unsupported.of(InspectInterface.class, "inspect", name());
  }

  /** Cleaning. Default: none (every call is refused). */
  default CleanInterface clean() {
    return Unsupported.of(CleanInterface.class, "clean", name());
  }

  /** Rescue. Default: none (every call is refused). */
  default RescueInterface rescue() {
    return Unsupported.of(RescueInterface.class, "rescue", name());
  }

  /**
   * RAID configuration. Default: none (every call is refused). A hardware type that has one also
   * offers an implementation other than {@code no-raid} for {@code raid} in {@link
   * #supportedInterfaces()}; the conductor calls it only for nodes that chose such an
   * implementation.
   */
  default RaidInterface raid() {
    return Unsupported.of(RaidInterface.class, "raid", name());
  }

  /**
   * Receives the operator's settings (allowlists and the like), once, before the conductor makes
   * any other call. The default ignores them.
   *
   * @throws IllegalArgumentException naming a setting whose value this hardware type cannot use;
   *     the conductor then refuses to start
   */
  default void configure(DriverSettings settings) {}

  /**
   * Checks every value in the node's documents that this hardware type would hand to its host: a
   * connection URI, a file path, an image location. Each must be allowed by the operator's
   * settings; anything else is refused before it reaches a program, a file or the network. Values
   * that are absent are not this check's business ({@link HardwareInterface#validate} asks for
   * them). Touches no hardware and no file.
   *
   * <p>The conductor calls it when a node is created or updated (a refusal fails the request) and
   * when a node is validated; implementations call it again right before they use a value. The
   * default accepts everything, which is right only for a hardware type that reaches nothing.
   *
   * @throws InvalidDriverInfoException naming the value, the rule it breaks and the setting that
   *     would allow it
   */
  default void checkInput(DriverNode node) {}

  /**
   * The implementations this hardware type offers for each of Ironic's hardware interfaces ({@link
   * HardwareInterfaces#NAMES}), the default first; a node chooses among them in its {@code
   * <interface>_interface} fields. Every interface must be present with at least one name. The
   * default: {@link HardwareInterfaces#single} with this hardware type's {@link #name()}.
   */
  default Map<String, List<String>> supportedInterfaces() {
    return HardwareInterfaces.single(name());
  }

  /**
   * The {@code driver_info} keys this hardware type reads, each with a one-line description
   * (Ironic's driver properties, as {@code GET /v1/drivers/{name}/properties} shows them); the
   * description of a key that must be present ends with "Required.". The default: none.
   */
  default Map<String, String> driverProperties() {
    return Map.of();
  }
}
