package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On random machines whose every state and transition has actions, random walks where actions fail
 * at random: a failed event never moves the instance, and the engine underneath keeps accepting
 * events afterwards (a failing Squirrel action would have left it refusing them all).
 */
class FailingActionsPropertyTest {

  /** The extended state: which action call (counted from 0) throws next; -1 for none. */
  static final class Plan {
    int calls;
    int failAt = -1;

    void step() {
      if (calls++ == failAt) {
        throw new IllegalStateException("planned failure");
      }
    }
  }

  @Test
  void randomMachines_failingActions_neverMoveTheInstance() {
    qt().withExamples(1_000)
        .forAll(
            longs().all(),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 40))
        .checkAssert(FailingActionsPropertyTest::walk);
  }

  private static void walk(long seed, List<Integer> picks) {
    MachineDefinition definition = withActions(RandomMachines.generate(seed));
    Plan plan = new Plan();
    MachineInstance instance = definition.newInstance(definition.initialState(), null, plan);
    List<String> events = new ArrayList<>(definition.events());
    for (int pick : picks) {
      if (events.isEmpty()) {
        return;
      }
      String event = events.get(pick % events.size());
      if (!instance.canFire(event)) {
        continue;
      }
      String state = instance.state();
      String target = instance.target();
      plan.calls = 0;
      plan.failAt = (pick / events.size()) % 4 - 1; // none, exit, transition or entry action
      if (plan.failAt < 0) {
        FiredTransition fired = instance.fire(event);
        assertThat(instance.state()).isEqualTo(fired.to());
        assertThat(plan.calls).isEqualTo(3);
      } else {
        assertThatThrownBy(() -> instance.fire(event))
            .isInstanceOf(ActionFailedException.class)
            .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(instance.state()).isEqualTo(state);
        assertThat(instance.target()).isEqualTo(target);
        assertThat(plan.calls).isEqualTo(plan.failAt + 1);
      }
    }
  }

  /** {@code definition} again, with one exit, one transition and one entry action everywhere. */
  private static MachineDefinition withActions(MachineDefinition definition) {
    MachineDefinition.Builder<Plan> builder =
        MachineDefinition.builder(definition.name(), Plan.class);
    for (StateSpec state : definition.states()) {
      builder.state(state).onExit(state.name(), Plan::step).onEntry(state.name(), Plan::step);
    }
    builder.initialState(definition.initialState());
    for (Transition transition : definition.transitions()) {
      builder.transition(transition).then(Plan::step);
    }
    return builder.build();
  }
}
