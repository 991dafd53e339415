package io.ferrum.testkit.sim;

/**
 * Measures the simulation's throughput (steps and sequences per second) with the options of {@link
 * SimulationTest}; figures go to docs/performance.md with the command that produced them. Not a
 * test.
 *
 * <p>Arguments: sequences (default 200), warm-up sequences (default 20).
 */
public final class SimulationThroughput {

  private SimulationThroughput() {}

  public static void main(String[] args) {
    int sequences = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    try (Simulation simulation = SimulationTest.simulation().build()) {
      for (int seed = 1; seed <= warmUp; seed++) {
        simulation.run(-seed);
      }
      long steps = 0;
      int failed = 0;
      long start = System.nanoTime();
      for (int seed = 1; seed <= sequences; seed++) {
        SimulationResult result = simulation.run(seed);
        steps += result.steps();
        failed += result.passed() ? 0 : 1;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "%d sequences, %d steps (quiescence included) in %.1f s: %.1f sequences/s, %.0f steps/s;"
              + " %d failed%n",
          sequences, steps, seconds, sequences / seconds, steps / seconds, failed);
    }
  }
}
