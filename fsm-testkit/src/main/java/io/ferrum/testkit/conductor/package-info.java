/**
 * Checks a real, embedded conductor against a reference model: {@link
 * io.ferrum.testkit.conductor.ConductorCheck} runs random operations from several clients with
 * injected faults ({@link io.ferrum.testkit.conductor.FaultyHardware}, {@link
 * io.ferrum.faults.FaultyDataSource}, notification sinks that throw) and checks the conductor's
 * invariants once every job has ended.
 */
package io.ferrum.testkit.conductor;
