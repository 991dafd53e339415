package io.ferrum.testkit.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.fake.FakeHardware;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class SimulationTest {

  /** The budget: {@code -Dferrum.testkit.sequences} (the pom sets it; -Plong-checks raises it). */
  static final int SEQUENCES = Integer.getInteger("ferrum.testkit.sequences", 20);

  private static final List<Simulation> OPEN = new ArrayList<>();

  static Simulation.Builder simulation() {
    return Simulation.builder(new FakeHardware())
        .conductors(3)
        .nodes(6)
        .steps(50)
        .driverInfo(Map.of())
        .driverInfo(Map.of("fake_wait", "deploy.deploy"));
  }

  private static Simulation open(Simulation.Builder builder) {
    Simulation simulation = builder.build();
    OPEN.add(simulation);
    return simulation;
  }

  @AfterAll
  static void closeAll() {
    OPEN.forEach(Simulation::close);
  }

  /**
   * Seeds that found a defect: an abort out of {@code wait call-back} announced {@code
   * provision_set.success}, so the deploy's {@code start} never got its {@code end}.
   */
  @Test
  void seedsThatFoundDefects_passNow() {
    Simulation simulation = open(simulation());
    for (long seed : new long[] {378, 468}) {
      SimulationResult result = simulation.run(seed);
      assertThat(result.passed()).as(result.report()).isTrue();
    }
  }

  @Test
  void theConductorKeepsItsInvariantsUnderCrashesOutagesAndHangs() {
    SimulationResult result = open(simulation()).search(1, SEQUENCES);
    assertThat(result.passed()).as(result.report()).isTrue();
  }

  @Test
  void crashesAtEveryCrashPointLeaveNothingBehind() {
    Simulation simulation = open(simulation().conductors(4).crashChance(0.08));
    List<String> all = new ArrayList<>();
    for (int seed = 1; seed <= Math.min(SEQUENCES, 100); seed++) {
      SimulationResult result = simulation.run(seed);
      assertThat(result.passed()).as(result.report()).isTrue();
      all.addAll(result.trace());
    }
    // Passing means something only if the crashes and faults happened.
    for (String point :
        List.of("at LOCK_TAKEN", "at EVENT_APPLIED", "at RELEASING", "in driver call")) {
      assertThat(all)
          .as("a crash %s", point)
          .anyMatch(line -> line.contains("crash c") && line.contains(point));
    }
    assertThat(all)
        .as("a takeover")
        .anyMatch(line -> line.matches(".*takeover done: took [1-9].*"));
    assertThat(all).as("a hang").anyMatch(line -> line.contains(" hangs "));
    assertThat(all).as("an outage").anyMatch(line -> line.contains("database down"));
    assertThat(all).as("a restart").anyMatch(line -> line.matches("#\\d+ restart c\\d"));
  }

  @Test
  void aSeedReplaysItsSequenceExactly() {
    Simulation first = open(simulation());
    Simulation second = open(simulation());
    for (long seed : new long[] {3, 11, 42}) {
      SimulationResult once = first.run(seed);
      SimulationResult again = second.run(seed);
      SimulationResult thrice = first.run(seed);
      assertThat(again.trace()).isEqualTo(once.trace());
      assertThat(thrice.trace()).isEqualTo(once.trace());
      assertThat(again.violation()).isEqualTo(once.violation());
      assertThat(once.trace().size()).isGreaterThan(50);
    }
  }

  @Test
  void findsAPoolThatForgetsAJobHoldingItsNode() {
    // The same budget and options as the passing run above, with the planted fault.
    Simulation faulty = open(simulation().dropJobChance(0.2));
    SimulationResult found = faulty.search(1, SEQUENCES);
    assertThat(found.passed()).as("the fault was found within the budget").isFalse();
    assertThat(found.violation()).contains("reserved");
    assertThat(found.trace()).anyMatch(line -> line.contains("pool forgets"));
    assertThat(found.report()).startsWith("seed=" + found.seed() + ": ");
    // Replaying the seed finds the same violation along the same steps.
    SimulationResult replayed = faulty.run(found.seed());
    assertThat(replayed.violation()).isEqualTo(found.violation());
    assertThat(replayed.trace()).isEqualTo(found.trace());
  }

  @Test
  void aSearchOfNoSequences_isRefused() {
    Simulation simulation = open(simulation());
    assertThatThrownBy(() -> simulation.search(1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1 sequence, not 0");
  }

  @Test
  void theTraceNamesARefusedRequestAndItsReason() {
    Simulation simulation = open(simulation());
    List<String> refusals = new ArrayList<>();
    for (long seed = 1; seed <= 5; seed++) {
      simulation.run(seed).trace().stream()
          .filter(line -> line.matches("#\\d+ c\\d .*") && line.contains(" refused: "))
          .forEach(refusals::add);
    }
    assertThat(refusals).isNotEmpty();
    // e.g. "#10 c1 provision n4 manage refused: NodeLockedException: Node n4 is locked by host c2"
    assertThat(refusals)
        .allMatch(
            line -> line.matches("#\\d+ c\\d (provision|continue|power) n\\d.* refused: \\w+: .+"),
            "verb, node, exception and message")
        .noneMatch(line -> line.matches(".*[0-9a-f]{8}-[0-9a-f]{4}-.*"));
  }
}
