package io.ferrum.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ferrum's own machines pass every check; planted flaws fail with their state and sequence. */
class MachineCheckTest {

  private static final List<String> WAIT_STATES =
      ProvisionMachine.WAIT_STATES.stream().map(ProvisionState::value).toList();

  /** A stable dead end: nothing leaves "archived", and it is not declared final. */
  private static final MachineDefinition DEAD_END =
      MachineDefinition.builder("ledger")
          .stableState("new")
          .transientState("posting", "posted")
          .stableState("posted")
          .stableState("archived")
          .initialState("new")
          .transition("new", "post", "posting")
          .transition("posting", "done", "posted")
          .transition("posting", "fail", "new")
          .transition("posted", "archive", "archived")
          .transition("posted", "reopen", "new")
          .build();

  /** The review's context: whether it was approved before it was submitted. */
  static final class Review {
    boolean approved;
  }

  /**
   * A transient state with no way out at run time: "reviewing" is left only through a guard that
   * refuses unless "approve" came first.
   */
  private static final MachineDefinition STUCK =
      MachineDefinition.builder("review", Review.class)
          .stableState("draft")
          .transientState("reviewing", "published")
          .stableState("published")
          .initialState("draft")
          .transition("draft", "edit", "draft")
          .transition("draft", "approve", "draft")
          .then(review -> review.approved = true)
          .transition("draft", "submit", "reviewing")
          .transition("reviewing", "done", "published")
          .when("approved", review -> review.approved)
          .transition("published", "withdraw", "draft")
          .build();

  @Test
  void provisionMachine_passesEveryCheck() {
    Report report =
        MachineCheck.of(ProvisionMachine.DEFINITION).waitStates(WAIT_STATES, "fail", "abort").run();

    report.assertPassed();
    assertThat(report.checks())
        .extracting(CheckResult::status)
        .containsOnly(CheckResult.Status.PASSED);
  }

  @Test
  void powerMachine_passesEveryCheck() {
    Report report = MachineCheck.of(PowerMachine.DEFINITION).run();

    report.assertPassed();
    assertThat(report.check(MachineCheck.WAIT_EDGES).orElseThrow().status())
        .isEqualTo(CheckResult.Status.SKIPPED);
  }

  @Test
  void deadEnd_failsNamingStateAndShortestSequence() {
    Report report = MachineCheck.of(DEAD_END).budget(Budget.defaults().withExamples(50)).run();

    assertThat(report.passed()).isFalse();
    assertThat(report.failures()).extracting(CheckResult::name).containsExactly("no dead ends");
    Violation violation = report.violations().get(0);
    assertThat(violation.state()).isEqualTo("archived");
    assertThat(violation.events()).containsExactly("post", "done", "archive");
    assertThat(report.toString())
        .contains(
            "violation of \"no dead ends\" in state \"archived\": stable state \"archived\" is a"
                + " dead end: no event leaves it, and it is not declared final; sequence from the"
                + " initial state: post, done, archive");
    assertThatThrownBy(report::assertPassed)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("archived");
  }

  @Test
  void deadEnd_declaredFinal_passes() {
    MachineCheck.of(DEAD_END).finalStates("archived").run().assertPassed();
  }

  @Test
  void transientStateRefusedByItsGuards_failsWithShrunkSequence() {
    Report report = MachineCheck.of(STUCK).context(Review::new).run();

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly("transient states have a way out");
    Violation violation = report.violations().get(0);
    assertThat(violation.state()).isEqualTo("reviewing");
    assertThat(violation.events()).containsExactly("submit");
    assertThat(violation.message())
        .isEqualTo(
            "transient state \"reviewing\" has no way out here: guards refuse every event that"
                + " leaves it [done]");
    assertThat(report.toString()).contains("replay with ferrum.testkit.seed=");
  }

  @Test
  void waitStateWithoutAbort_failsNamingStateAndEvent() {
    MachineDefinition deploy =
        MachineDefinition.builder("deploy")
            .stableState("ready")
            .transientState("deploying", "active")
            .transientState("wait call-back", "active")
            .stableState("active")
            .stableState("failed")
            .initialState("ready")
            .transition("ready", "deploy", "deploying")
            .transition("deploying", "wait", "wait call-back")
            .transition("deploying", "done", "active")
            .transition("deploying", "fail", "failed")
            .transition("wait call-back", "resume", "deploying")
            .transition("wait call-back", "fail", "failed")
            .transition("active", "delete", "ready")
            .transition("failed", "delete", "ready")
            .build();

    Report report =
        MachineCheck.of(deploy).waitStates(List.of("wait call-back"), "fail", "abort").run();

    assertThat(report.failures())
        .extracting(CheckResult::name)
        .containsExactly("wait states have fail and abort edges");
    assertThat(report.violations().get(0))
        .extracting(Violation::state, Violation::message, Violation::events)
        .containsExactly(
            "wait call-back",
            "wait state \"wait call-back\" has no \"abort\" edge",
            List.of("deploy", "wait"));
  }

  @Test
  void run_withCallerChoices_drivesOneWalk() {
    // Always the last allowed event in draft is "submit"; an engine's numbers do the same.
    Report report = MachineCheck.of(STUCK).context(Review::new).run(bound -> bound - 2, 5);

    assertThat(report.violations())
        .singleElement()
        .extracting(Violation::events)
        .isEqualTo(List.of("submit"));
    MachineCheck.of(ProvisionMachine.DEFINITION).run(Choices.seeded(7), 200).assertPassed();
  }

  @Test
  void run_choicesOutOfBound_refusedClearly() {
    assertThatThrownBy(() -> MachineCheck.of(DEAD_END).run(bound -> bound, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Choices.choose(2) returned 2; it must be from 0 to 1");
  }

  @Test
  void replay_firesExactlyTheGivenEvents() {
    MachineCheck check = MachineCheck.of(STUCK).context(Review::new);

    check.replay(List.of("approve", "submit", "done")).assertPassed();
    assertThat(check.replay(List.of("edit", "submit")).violations())
        .singleElement()
        .extracting(Violation::events)
        .isEqualTo(List.of("edit", "submit"));
  }

  @Test
  void run_sameSeed_sameReport() {
    Budget budget = new Budget(200, 30, 42);

    String first = MachineCheck.of(STUCK).context(Review::new).budget(budget).run().toString();
    String second = MachineCheck.of(STUCK).context(Review::new).budget(budget).run().toString();

    assertThat(first).isEqualTo(second).contains("ferrum.testkit.seed=42");
  }

  @Test
  void configuration_unknownStates_refusedByName() {
    assertThatThrownBy(() -> MachineCheck.of(DEAD_END).finalStates("gone"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("machine \"ledger\" has no state \"gone\"");
    assertThatThrownBy(() -> MachineCheck.of(DEAD_END).finalStates("posting"))
        .hasMessage("final state \"posting\" of machine \"ledger\" is transient");
  }

  @Test
  void aMachineWithAContextType_withoutAContext_isRefusedClearly() {
    String message =
        "machine \"review\" takes a context of type "
            + Review.class.getName()
            + ": give one with context(...), a fresh one per walk";
    MachineCheck check = MachineCheck.of(STUCK);
    assertThatThrownBy(check::run).isInstanceOf(IllegalStateException.class).hasMessage(message);
    assertThatThrownBy(() -> check.run(Choices.seeded(1), 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(message);
    assertThatThrownBy(() -> check.replay(List.of("submit")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(message);
    // A machine without a context type needs none.
    MachineCheck.of(DEAD_END).finalStates("archived").replay(List.of("post")).assertPassed();
  }

  @Test
  void replay_unknownEvent_isRefusedByName() {
    assertThatThrownBy(
            () -> MachineCheck.of(STUCK).context(Review::new).replay(List.of("submit", "nope")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("machine \"review\" has no event \"nope\"; its events: ")
        .hasMessageContaining("submit");
  }
}
