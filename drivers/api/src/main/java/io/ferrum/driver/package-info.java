/**
 * The driver SPI: what Ferrum asks of hardware. A {@link io.ferrum.driver.HardwareType} is a set of
 * small interfaces (power, management, deploy, boot, inspect, clean, rescue, raid), registered in
 * {@code META-INF/services/io.ferrum.driver.HardwareType} and found with {@link
 * java.util.ServiceLoader}; the conductor never names a concrete driver.
 *
 * <p>Drivers are called from the conductor's worker threads, always while the node's exclusive
 * reservation is held, so two calls for one node never overlap; calls for different nodes do, so
 * implementations must be thread-safe. A call may block (the worker is there for that); it should
 * respond to interruption, which is how a conductor that shuts down stops it.
 *
 * <p>This package may change faster than the conductor's API while drivers are being written.
 */
package io.ferrum.driver;
