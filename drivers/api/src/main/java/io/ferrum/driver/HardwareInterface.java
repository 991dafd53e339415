package io.ferrum.driver;

/** What every hardware interface has: a check of the node's configuration. */
public interface HardwareInterface {

  /**
   * Checks that {@code node} carries what this interface needs, without touching hardware.
   *
   * @throws InvalidDriverInfoException naming what is missing or wrong
   */
  default void validate(DriverNode node) {}
}
