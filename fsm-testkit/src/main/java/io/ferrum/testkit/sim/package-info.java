/**
 * Deterministic simulation of conductors sharing one database: {@link
 * io.ferrum.testkit.sim.Simulation} runs seeded sequences of requests, worker jobs, periodic tasks,
 * crashes and database outages on a virtual clock and checks the conductor's invariants after every
 * step; a seed replays its sequence exactly.
 */
package io.ferrum.testkit.sim;
