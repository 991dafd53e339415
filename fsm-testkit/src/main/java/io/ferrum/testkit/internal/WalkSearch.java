package io.ferrum.testkit.internal;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.ferrum.testkit.Budget;
import io.ferrum.testkit.Choices;
import io.ferrum.testkit.Violation;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Random walks generated and shrunk by QuickTheories: each walk is a list of numbers fed to it as
 * {@link Choices}; the first failing list is shrunk (fewer, smaller numbers), and the violation
 * with the fewest events seen on the way is kept. QuickTheories stays inside this class.
 *
 * <p>Thread-safe: every search has its own state.
 */
public final class WalkSearch {

  /** Enough shrinking for walks of a few dozen steps, bounded so a search ends in seconds. */
  private static final int SHRINK_CYCLES = 20_000;

  private WalkSearch() {}

  /**
   * Runs {@code budget.examples()} walks of up to {@code budget.maxSteps()} steps each; {@code
   * walk} gets the walk's choices and its length, and returns what it found.
   *
   * @return the shortest violation seen, if any walk failed
   */
  public static Optional<Violation> search(
      Budget budget, Function<WalkInput, Optional<Violation>> walk) {
    Violation[] best = new Violation[1];
    RuntimeException[] broken = new RuntimeException[1];
    try {
      qt().withFixedSeed(budget.seed())
          .withExamples(budget.examples())
          .withShrinkCycles(SHRINK_CYCLES)
          .forAll(
              lists()
                  .of(integers().between(0, Integer.MAX_VALUE))
                  .ofSizeBetween(1, budget.maxSteps()))
          .check(
              numbers -> {
                Optional<Violation> found;
                try {
                  found = walk.apply(new WalkInput(numbers));
                } catch (RuntimeException e) {
                  // Not a violation but a broken setup (a context supplier that throws, say).
                  broken[0] = e;
                  return true;
                }
                found.ifPresent(
                    v -> {
                      if (best[0] == null || v.events().size() < best[0].events().size()) {
                        best[0] = v;
                      }
                    });
                return found.isEmpty();
              });
    } catch (AssertionError falsified) {
      // QuickTheories reports the shrunk case this way; best[0] already holds it.
      if (best[0] == null) {
        throw falsified;
      }
    }
    if (broken[0] != null) {
      throw broken[0];
    }
    return Optional.ofNullable(best[0]);
  }

  /**
   * One generated walk: its choices and its length (one step per generated number).
   *
   * @param numbers the generated numbers
   */
  public record WalkInput(List<Integer> numbers) {

    /** The choices, drawn from the numbers in order. */
    public Choices choices() {
      return Choices.of(numbers);
    }

    /** The number of steps. */
    public int steps() {
      return numbers.size();
    }
  }
}
