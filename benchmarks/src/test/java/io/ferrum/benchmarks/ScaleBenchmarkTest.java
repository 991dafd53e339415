package io.ferrum.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scale benchmark's short variant, as a smoke test of the program: 5,000 nodes whose power
 * reads take 100 ms, on H2. Figures are printed, not asserted: speed goals live in the benchmark's
 * full runs and docs/performance.md.
 */
class ScaleBenchmarkTest {

  @Test
  void shortVariant_runsEveryMeasure() throws Exception {
    Duration sweep = ScaleBenchmark.run(5_000, 100, "h2", 500);

    assertThat(sweep).isPositive();
  }
}
