/**
 * Checks a user can run against their own code: {@link io.ferrum.testkit.MachineCheck} for any
 * state machine definition of fsm-core, {@link io.ferrum.testkit.DriverConformance} for any
 * hardware type of the driver SPI; {@code io.ferrum.testkit.conductor.ConductorCheck} for a real,
 * embedded conductor. All return a {@link io.ferrum.testkit.Report}, which any test framework can
 * assert on ({@link io.ferrum.testkit.Report#assertPassed()}).
 *
 * <p>No property-testing library's types appear here: the random walks are generated and shrunk
 * inside, and a caller who prefers another engine feeds its own decisions through {@link
 * io.ferrum.testkit.Choices}.
 */
package io.ferrum.testkit;
