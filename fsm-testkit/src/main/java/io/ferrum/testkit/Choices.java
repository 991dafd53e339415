package io.ferrum.testkit;

import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The decisions of one random walk: which event to try next. A walk asks for one number per
 * decision; whoever answers drives the walk, so any property-testing engine (or a plain list of
 * numbers) can generate and shrink walks by generating and shrinking the numbers.
 *
 * <p>Implementations need not be thread-safe: one walk uses one {@code Choices} on one thread.
 */
@FunctionalInterface
public interface Choices {

  /**
   * A number from 0 (inclusive) to {@code bound} (exclusive). Smaller numbers are the simpler
   * choices: 0 is the first event the current state allows, in declaration order.
   *
   * @param bound at least 1
   */
  int choose(int bound);

  /** Choices from a {@link Random} seeded with {@code seed}: the same seed, the same walk. */
  static Choices seeded(long seed) {
    Random random = new Random(seed);
    return random::nextInt;
  }

  /**
   * The given numbers in order, each taken modulo the bound asked for, then 0 once they run out;
   * how an engine that generates lists of integers drives a walk.
   */
  static Choices of(List<Integer> numbers) {
    List<Integer> copy = List.copyOf(Objects.requireNonNull(numbers, "numbers"));
    return new Choices() {
      private int next;

      @Override
      public int choose(int bound) {
        if (next >= copy.size()) {
          return 0;
        }
        return Math.floorMod(copy.get(next++), bound);
      }
    };
  }
}
