package io.ferrum.driver;

/**
 * A kind of hardware Ferrum can drive (Ironic's "hardware type"): a name and one implementation of
 * each hardware interface. Implementations register in {@code
 * META-INF/services/io.ferrum.driver.HardwareType}; the conductor loads them with {@link
 * java.util.ServiceLoader} and enables those its configuration names.
 *
 * <p>Implementations must be thread-safe (see the package documentation).
 */
public interface HardwareType {

  /** The name nodes use in their {@code driver} field, for example {@code "fake-hardware"}. */
  String name();

  /** Power control. */
  PowerInterface power();

  /** Boot device management. */
  ManagementInterface management();

  /** Deployment. */
  DeployInterface deploy();

  /** Boot preparation. */
  BootInterface boot();

  /** Hardware inspection. */
  InspectInterface inspect();

  /** Cleaning. */
  CleanInterface clean();

  /** Rescue. */
  RescueInterface rescue();
}
