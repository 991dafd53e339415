package io.ferrum.testkit;

/**
 * How hard a check tries: how many random walks, how many steps each, from which seed.
 *
 * <p>{@link #defaults()} reads the system properties {@value #EXAMPLES_PROPERTY}, {@value
 * #STEPS_PROPERTY} and {@value #SEED_PROPERTY}, so a build can raise the budget without touching
 * the tests (Ferrum's own build does with {@code -Plong-checks}), and a failure reported with
 * {@code seed=N} replays with {@code -Dferrum.testkit.seed=N}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param examples how many random walks to try (at least 1)
 * @param maxSteps the longest walk, in events (at least 1)
 * @param seed the seed of the first walk; the same seed gives the same walks
 */
public record Budget(int examples, int maxSteps, long seed) {

  /** The system property that sets {@link #examples()} in {@link #defaults()}. */
  public static final String EXAMPLES_PROPERTY = "ferrum.testkit.examples";

  /** The system property that sets {@link #maxSteps()} in {@link #defaults()}. */
  public static final String STEPS_PROPERTY = "ferrum.testkit.steps";

  /** The system property that sets {@link #seed()} in {@link #defaults()}. */
  public static final String SEED_PROPERTY = "ferrum.testkit.seed";

  /** The number of walks when {@value #EXAMPLES_PROPERTY} is not set. */
  public static final int DEFAULT_EXAMPLES = 1_000;

  /** The longest walk when {@value #STEPS_PROPERTY} is not set. */
  public static final int DEFAULT_STEPS = 60;

  /**
   * Checks the bounds.
   *
   * @throws IllegalArgumentException if {@code examples} or {@code maxSteps} is below 1
   */
  public Budget {
    if (examples < 1) {
      throw new IllegalArgumentException("examples must be at least 1, not " + examples);
    }
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be at least 1, not " + maxSteps);
    }
  }

  /**
   * The budget the system properties ask for: {@value #DEFAULT_EXAMPLES} walks of up to {@value
   * #DEFAULT_STEPS} steps, from a fresh seed, unless they say otherwise.
   *
   * @throws IllegalArgumentException naming a property whose value is not a number in range
   */
  public static Budget defaults() {
    return new Budget(
        (int) property(EXAMPLES_PROPERTY, DEFAULT_EXAMPLES),
        (int) property(STEPS_PROPERTY, DEFAULT_STEPS),
        property(SEED_PROPERTY, System.nanoTime()));
  }

  /** This budget with {@code examples} walks. */
  public Budget withExamples(int examples) {
    return new Budget(examples, maxSteps, seed);
  }

  /** This budget with walks of at most {@code maxSteps} events. */
  public Budget withMaxSteps(int maxSteps) {
    return new Budget(examples, maxSteps, seed);
  }

  /** This budget starting from {@code seed}. */
  public Budget withSeed(long seed) {
    return new Budget(examples, maxSteps, seed);
  }

  private static long property(String name, long fallback) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long number = Long.parseLong(value.trim());
      if (!name.equals(SEED_PROPERTY) && (number < 1 || number > Integer.MAX_VALUE)) {
        throw new NumberFormatException();
      }
      return number;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "system property " + name + " must be a whole number in range, not \"" + value + "\"", e);
    }
  }
}
