package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Every validation of {@link MachineDefinition.Builder#build()}, with its exact message. */
class MachineDefinitionBuilderTest {

  /** A small valid machine: idle --go--> busy --done--> idle. */
  private static MachineDefinition.Builder<Object> valid() {
    return MachineDefinition.builder("m")
        .stableState("idle")
        .transientState("busy", "idle")
        .initialState("idle")
        .transition("idle", "go", "busy")
        .transition("busy", "done", "idle");
  }

  @Test
  void build_valid_keepsDeclarationOrderAndTable() {
    MachineDefinition definition = valid().build();

    assertThat(definition.name()).isEqualTo("m");
    assertThat(definition.initialState()).isEqualTo("idle");
    assertThat(definition.states()).extracting(StateSpec::name).containsExactly("idle", "busy");
    assertThat(definition.allowedEvents("idle")).containsExactly("go");
    assertThat(definition.transition("busy", "done")).map(Transition::to).contains("idle");
    assertThat(definition.transition("busy", "go")).isEmpty();
    assertThat(definition.events()).containsExactly("go", "done");
  }

  @Test
  void build_stateDeclaredTwice_namesIt() {
    assertThatThrownBy(() -> valid().stableState("idle").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": state \"idle\" is declared twice");
  }

  @Test
  void build_noStates_says() {
    assertThatThrownBy(() -> MachineDefinition.builder("m").initialState("x").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": no state is declared");
  }

  @Test
  void build_noInitialState_says() {
    assertThatThrownBy(() -> MachineDefinition.builder("m").stableState("a").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": no initial state is set");
  }

  @Test
  void build_unknownInitialState_namesIt() {
    assertThatThrownBy(() -> valid().initialState("nowhere").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": initial state \"nowhere\" is not a declared state");
  }

  @Test
  void build_transientWithoutTarget_namesIt() {
    assertThatThrownBy(() -> valid().transientState("lost", null).build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": transient state \"lost\" has no target state");
  }

  @Test
  void build_transientWithUnknownTarget_namesBoth() {
    assertThatThrownBy(() -> valid().transientState("lost", "nowhere").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": target \"nowhere\" of transient state \"lost\" is not a declared state");
  }

  @Test
  void build_transientAimingAtTransient_namesBoth() {
    assertThatThrownBy(() -> valid().transientState("lost", "busy").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": target \"busy\" of transient state \"lost\" is not a stable state");
  }

  @Test
  void build_transitionToUnknownState_namesTransitionAndState() {
    assertThatThrownBy(() -> valid().transition("idle", "jump", "moon").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": transition idle --jump--> moon names unknown state \"moon\"");
  }

  @Test
  void build_transitionFromUnknownState_namesTransitionAndState() {
    assertThatThrownBy(() -> valid().transition("moon", "fall", "idle").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": transition moon --fall--> idle names unknown state \"moon\"");
  }

  @Test
  void build_duplicateFromAndEvent_namesBothDestinations() {
    assertThatThrownBy(() -> valid().stableState("other").transition("idle", "go", "other").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": two transitions from \"idle\" on event \"go\": to \"busy\" and to"
                + " \"other\"");
  }

  @Test
  void build_unreachableState_listsThem() {
    assertThatThrownBy(() -> valid().stableState("island").stableState("rock").build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": states unreachable from initial state \"idle\": [island, rock]");
  }

  @Test
  void build_stateWithNoWayToStable_listsThem() {
    MachineDefinition.Builder<Object> builder =
        valid()
            .transientState("trap", "idle")
            .transientState("pit", "idle")
            .transition("idle", "fall", "trap")
            .transition("trap", "deeper", "pit")
            .transition("pit", "up", "trap");

    assertThatThrownBy(builder::build)
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": no stable state is reachable from states [trap, pit]");
  }

  @Test
  void builder_blankNames_areRefusedAtOnce() {
    assertThatThrownBy(() -> MachineDefinition.builder(" "))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("machine name must not be null or blank");
    assertThatThrownBy(() -> valid().stableState(""))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": state name must not be null or blank");
    assertThatThrownBy(() -> valid().transition("idle", null, "busy"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": event name must not be null or blank");
    assertThatThrownBy(() -> valid().transition("idle", " ", "busy"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": event name must not be null or blank");
    assertThatThrownBy(() -> valid().initialState(null))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": initial state must not be null or blank");
    assertThatThrownBy(() -> valid().transition("idle", "go", "busy").when("", context -> true))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": guard name must not be null or blank");
  }

  @Test
  void stateSpec_stableWithTarget_isADefinitionError() {
    assertThatThrownBy(() -> new StateSpec("a", true, "a"))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("stable state \"a\" cannot have a target (\"a\")");
    assertThatThrownBy(() -> MachineDefinition.builder("m").state(new StateSpec("a", true, "b")))
        .isInstanceOf(MachineDefinitionException.class);
  }

  @Test
  void parts_withoutNames_areDefinitionErrors() {
    assertThatThrownBy(() -> new StateSpec(null, true, null))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("state name must not be null or blank");
    assertThatThrownBy(() -> new Transition("a", "", "b", null))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("event name must not be null or blank");
    assertThatThrownBy(() -> TransitionAction.named(" "))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("action id must not be null or blank");
  }

  @Test
  void equals_ignoresDeclarationOrderButNotActions() {
    MachineDefinition one = valid().build();
    MachineDefinition reordered =
        MachineDefinition.builder("m")
            .transientState("busy", "idle")
            .stableState("idle")
            .transition("busy", "done", "idle")
            .transition("idle", "go", "busy")
            .initialState("idle")
            .build();
    MachineDefinition withAction =
        MachineDefinition.builder("m")
            .stableState("idle")
            .transientState("busy", "idle")
            .initialState("idle")
            .transition("idle", "go", "busy", TransitionAction.named("work"))
            .transition("busy", "done", "idle")
            .build();

    assertThat(reordered).isEqualTo(one).hasSameHashCodeAs(one);
    assertThat(withAction).isNotEqualTo(one);
  }
}
