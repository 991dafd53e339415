package io.ferrum.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.fsm.MachineDefinition;
import org.junit.jupiter.api.Test;

/**
 * MachineCheck raises no false alarm: every random valid machine, its end states declared final,
 * passes every check.
 */
class RandomMachinesTest {

  @Test
  void randomMachines_endStatesDeclaredFinal_passEveryCheck() {
    for (long seed = 0; seed < 50; seed++) {
      MachineDefinition machine = RandomMachines.generate(seed);
      Report report =
          MachineCheck.of(machine)
              .finalStates(RandomMachines.endStates(machine))
              .budget(new Budget(30, 20, seed))
              .run();
      assertThat(report.passed()).as("seed %d:\n%s", seed, report).isTrue();
    }
  }

  @Test
  void generate_sameSeed_sameMachine() {
    assertThat(RandomMachines.generate(12)).isEqualTo(RandomMachines.generate(12));
  }
}
