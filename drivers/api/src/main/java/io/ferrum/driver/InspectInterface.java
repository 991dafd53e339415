package io.ferrum.driver;

/** Discovers a machine's hardware properties. */
public interface InspectInterface extends HardwareInterface {

  /** Inspects the machine. */
  Inspection inspect(DriverNode node);
}
