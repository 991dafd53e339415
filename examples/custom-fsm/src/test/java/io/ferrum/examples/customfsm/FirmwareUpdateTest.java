package io.ferrum.examples.customfsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.Transition;
import io.ferrum.fsm.export.MermaidExport;
import io.ferrum.testkit.MachineCheck;
import io.ferrum.testkit.Report;
import io.ferrum.testkit.Violation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The firmware-update machine passes every check of the testkit, and two broken copies of it show
 * what the check reports instead.
 */
class FirmwareUpdateTest {

  /** The check this example runs, on any variant of the machine. */
  private static MachineCheck check(MachineDefinition machine) {
    return MachineCheck.of(machine)
        .finalStates(FirmwareUpdate.RETIRED)
        .waitStates(FirmwareUpdate.WAIT_STATES, FirmwareUpdate.FAIL, FirmwareUpdate.ABORT);
  }

  @Test
  void theMachine_passesEveryCheck() {
    Report report = check(FirmwareUpdate.DEFINITION).run();

    report.assertPassed();
    assertThat(report.checks()).hasSize(7);
  }

  @Test
  void aFailedUpdateWithNoWayOut_isADeadEnd_shownByItsShortestSequence() {
    // The same machine with the edges out of "update failed" forgotten.
    MachineDefinition broken = without(t -> t.from().equals("update failed"));

    Report report = check(broken).run();

    assertThat(report.passed()).isFalse();
    assertThat(report.violations())
        .containsExactly(
            new Violation(
                MachineCheck.NO_DEAD_ENDS,
                "update failed",
                "stable state \"update failed\" is a dead end: no event leaves it, and it is not"
                    + " declared final",
                List.of("download", "fail")));
    assertThatThrownBy(report::assertPassed)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("FAILED  no dead ends")
        .hasMessageContaining("sequence from the initial state: download, fail");
  }

  @Test
  void aWaitStateWithoutAbort_failsTheWaitStateCheck() {
    // A download a user cannot call off.
    MachineDefinition broken =
        without(t -> t.from().equals("downloading") && t.event().equals("abort"));

    Report report = check(broken).run();

    assertThat(report.failures())
        .singleElement()
        .satisfies(failure -> assertThat(failure.name()).isEqualTo(MachineCheck.WAIT_EDGES));
    assertThat(report.violations())
        .singleElement()
        .satisfies(
            violation -> {
              assertThat(violation.check()).isEqualTo(MachineCheck.WAIT_EDGES);
              assertThat(violation.state()).isEqualTo("downloading");
              assertThat(violation.events()).containsExactly("download");
            });
  }

  @Test
  void anUpdate_goesRoundAndTheTableRefusesTheRest() {
    MachineInstance device = FirmwareUpdate.DEFINITION.newInstance();
    for (String event : List.of("download", "done", "install", "done")) {
      device.fire(event);
    }
    assertThat(device.state()).isEqualTo("reboot wait");
    assertThat(device.target()).isEqualTo("running");
    assertThat(device.canFire("install")).isFalse();

    device.fire("booted");

    assertThat(device.state()).isEqualTo("running");
    assertThat(device.isStable()).isTrue();
  }

  @Test
  void theReadme_showsTheMachineAsExported() throws Exception {
    String mermaid = MermaidExport.write(FirmwareUpdate.DEFINITION);
    Files.writeString(Path.of("target", "firmware-update.mmd"), mermaid, StandardCharsets.UTF_8);

    String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains("```mermaid\n" + mermaid + "```\n");
  }

  /** {@link FirmwareUpdate#DEFINITION} without the transitions {@code dropped} selects. */
  private static MachineDefinition without(Predicate<Transition> dropped) {
    MachineDefinition machine = FirmwareUpdate.DEFINITION;
    MachineDefinition.Builder<Object> copy =
        MachineDefinition.builder(machine.name() + " (broken)");
    machine.states().forEach(copy::state);
    copy.initialState(machine.initialState());
    machine.transitions().stream().filter(dropped.negate()).forEach(copy::transition);
    return copy.build();
  }
}
