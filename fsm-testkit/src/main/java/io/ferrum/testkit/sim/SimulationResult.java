package io.ferrum.testkit.sim;

import java.util.List;

/**
 * The outcome of one simulated sequence.
 *
 * @param seed the seed that produced it: running {@link Simulation#run(long)} with it again replays
 *     the same interleaving to the same result
 * @param steps how many scheduler steps ran (quiescence included)
 * @param violation the first invariant broken, or {@code null} if none was
 * @param trace every step, in order: what ran on which conductor, and what came of it
 */
public record SimulationResult(long seed, int steps, String violation, List<String> trace) {

  public SimulationResult {
    trace = List.copyOf(trace);
  }

  /** Whether every invariant held. */
  public boolean passed() {
    return violation == null;
  }

  /** The seed, the violation and the whole trace, one step a line: what a failing test prints. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append("seed=").append(seed).append(": ");
    out.append(violation == null ? "passed" : violation).append('\n');
    for (String line : trace) {
      out.append("  ").append(line).append('\n');
    }
    out.append("replay: Simulation.run(").append(seed).append("L) with the same options\n");
    return out.toString();
  }
}
