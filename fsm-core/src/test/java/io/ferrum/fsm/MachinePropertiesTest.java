package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.ferrum.fsm.export.MachineJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Properties of every machine: the two built-in ones and randomly generated valid definitions,
 * driven by random event sequences from random start states. Each property runs at least 1,000
 * examples.
 */
class MachinePropertiesTest {

  private static final int EXAMPLES = 1_000;

  @Test
  void provisionMachine_randomWalks_keepTheRules() {
    qt().withExamples(EXAMPLES)
        .forAll(
            integers().between(0, Integer.MAX_VALUE),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 60))
        .checkAssert((start, picks) -> walk(ProvisionMachine.DEFINITION, start, picks));
  }

  @Test
  void powerMachine_randomWalks_keepTheRules() {
    qt().withExamples(EXAMPLES)
        .forAll(
            integers().between(0, Integer.MAX_VALUE),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 40))
        .checkAssert((start, picks) -> walk(PowerMachine.DEFINITION, start, picks));
  }

  @Test
  void randomMachines_randomWalks_keepTheRules() {
    qt().withExamples(EXAMPLES)
        .forAll(
            longs().all(),
            integers().between(0, Integer.MAX_VALUE),
            lists().of(integers().between(0, Integer.MAX_VALUE)).ofSizeBetween(0, 40))
        .checkAssert((seed, start, picks) -> walk(RandomMachines.generate(seed), start, picks));
  }

  @Test
  void randomMachines_everyStateReachesAStableState() {
    qt().withExamples(EXAMPLES)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              MachineDefinition definition = RandomMachines.generate(seed);
              for (StateSpec state : definition.states()) {
                assertThat(reachesStable(definition, state.name()))
                    .as("%s from %s", definition, state.name())
                    .isTrue();
              }
            });
  }

  @Test
  void builtInMachines_everyStateReachesAStableState() {
    for (MachineDefinition definition :
        List.of(ProvisionMachine.DEFINITION, PowerMachine.DEFINITION)) {
      for (StateSpec state : definition.states()) {
        assertThat(reachesStable(definition, state.name())).as(state.name()).isTrue();
      }
    }
  }

  @Test
  void randomMachines_jsonExport_roundTrips() {
    qt().withExamples(EXAMPLES)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              MachineDefinition definition = RandomMachines.generate(seed);
              String json = MachineJson.write(definition);
              MachineDefinition back = MachineJson.read(json);
              assertThat(back).isEqualTo(definition);
              assertThat(back.states()).containsExactlyElementsOf(definition.states());
              assertThat(MachineJson.write(back)).isEqualTo(json);
            });
  }

  @Test
  void builtInMachines_jsonExport_roundTrips() {
    for (MachineDefinition definition :
        List.of(ProvisionMachine.DEFINITION, PowerMachine.DEFINITION)) {
      assertThat(MachineJson.read(MachineJson.write(definition))).isEqualTo(definition);
    }
  }

  /**
   * Walks {@code definition} from a start state picked by {@code start}; each pick chooses an event
   * among all the machine's events (allowed or not) and sometimes a target override. Checks, at
   * every step: canFire agrees with fire; a refused event changes nothing; a fired event lands
   * where the table says; the target follows the rule; the state invariants hold.
   */
  private static void walk(MachineDefinition definition, int start, List<Integer> picks) {
    List<StateSpec> states = definition.states();
    StateSpec first = states.get(start % states.size());
    MachineInstance instance = definition.newInstance(first.name(), null);
    assertInvariants(definition, instance);
    List<String> events = new ArrayList<>(definition.events());
    events.add("no-such-event");
    List<String> stable = states.stream().filter(StateSpec::stable).map(StateSpec::name).toList();
    for (int pick : picks) {
      String event = events.get(pick % events.size());
      String override =
          (pick / events.size()) % 7 == 0 ? stable.get((pick / 7) % stable.size()) : null;
      String stateBefore = instance.state();
      String targetBefore = instance.target();
      boolean allowed = instance.canFire(event);
      assertThat(allowed).isEqualTo(instance.allowedEvents().contains(event));
      if (!allowed) {
        assertThatThrownBy(() -> instance.fire(event, override))
            .isInstanceOf(InvalidTransitionException.class);
        assertThat(instance.state()).isEqualTo(stateBefore);
        assertThat(instance.target()).isEqualTo(targetBefore);
        continue;
      }
      FiredTransition fired = instance.fire(event, override);
      Transition expected = definition.transition(stateBefore, event).orElseThrow();
      assertThat(fired.from()).isEqualTo(stateBefore);
      assertThat(fired.to()).isEqualTo(expected.to()).isEqualTo(instance.state());
      assertThat(fired.action()).isEqualTo(expected.action());
      assertThat(fired.targetBefore()).isEqualTo(targetBefore);
      assertThat(fired.targetAfter())
          .isEqualTo(instance.target())
          .isEqualTo(expectedTarget(definition, targetBefore, expected.to(), override));
      assertInvariants(definition, instance);
    }
  }

  /** The target rule, written independently of MachineInstance. */
  private static String expectedTarget(
      MachineDefinition definition, String before, String to, String override) {
    StateSpec destination = definition.state(to).orElseThrow();
    if (destination.stable()) {
      return null;
    }
    return override != null ? override : destination.target();
  }

  private static void assertInvariants(MachineDefinition definition, MachineInstance instance) {
    StateSpec state = definition.state(instance.state()).orElseThrow();
    String target = instance.target();
    if (target != null) {
      assertThat(definition.isStable(target)).as("target %s is stable", target).isTrue();
      assertThat(target).as("target is never the current state").isNotEqualTo(state.name());
    }
    if (state.stable()) {
      assertThat(target).as("a stable state never has a target").isNull();
    } else {
      assertThat(target).as("a transient state always has a target").isNotNull();
    }
  }

  private static boolean reachesStable(MachineDefinition definition, String from) {
    List<String> todo = new ArrayList<>(List.of(from));
    java.util.Set<String> seen = new java.util.HashSet<>(todo);
    while (!todo.isEmpty()) {
      String state = todo.remove(todo.size() - 1);
      if (definition.isStable(state)) {
        return true;
      }
      for (String event : definition.allowedEvents(state)) {
        String to = definition.transition(state, event).orElseThrow().to();
        if (seen.add(to)) {
          todo.add(to);
        }
      }
    }
    return false;
  }
}
