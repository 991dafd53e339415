package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Guards, actions and the context they share: choice, order and failure. */
class MachineBehaviourTest {

  /** The extended state of a door: a lock, a log of what ran, and where to fail on purpose. */
  static final class Door {
    boolean locked;
    String failIn = "";
    final List<String> log = new ArrayList<>();

    void record(String what) {
      log.add(what);
      if (what.equals(failIn)) {
        throw new IllegalStateException("jammed in " + what);
      }
    }
  }

  private static MachineDefinition.Builder<Door> doorBuilder() {
    return MachineDefinition.builder("door", Door.class)
        .stableState("closed")
        .stableState("open")
        .transientState("opening", "open")
        .initialState("closed")
        .transition("closed", "open", "opening")
        .when("unlocked", door -> !door.locked)
        .then(door -> door.record("motor"))
        .transition("closed", "open", "closed")
        .when("locked", door -> door.locked)
        .then(door -> door.record("beep"))
        .transition("opening", "done", "open")
        .transition("open", "close", "closed")
        .onExit("closed", door -> door.record("exit closed"))
        .onEntry("opening", door -> door.record("enter opening"))
        .onEntry("closed", door -> door.record("enter closed"));
  }

  private static final MachineDefinition DOOR = doorBuilder().build();

  @Test
  void fire_guardAllows_takesThatTransitionAndRunsExitTransitionEntryInOrder() {
    Door door = new Door();
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    FiredTransition fired = instance.fire("open");

    assertThat(fired.to()).isEqualTo("opening");
    assertThat(fired.targetAfter()).isEqualTo("open");
    assertThat(door.log).containsExactly("exit closed", "motor", "enter opening");
    assertThat(instance.state()).isEqualTo("opening");
  }

  @Test
  void fire_firstGuardRefuses_takesTheNextAlternative() {
    Door door = new Door();
    door.locked = true;
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    FiredTransition fired = instance.fire("open");

    assertThat(fired.to()).isEqualTo("closed");
    assertThat(door.log)
        .as("a transition to the same state leaves and enters it again")
        .containsExactly("exit closed", "beep", "enter closed");
  }

  @Test
  void fire_everyGuardRefuses_throwsNamingThemAndChangesNothing() {
    MachineDefinition strict =
        MachineDefinition.builder("gate", Door.class)
            .stableState("shut")
            .stableState("up")
            .initialState("shut")
            .transition("shut", "lift", "up")
            .when("unlocked", door -> !door.locked)
            .transition("up", "drop", "shut")
            .build();
    Door door = new Door();
    door.locked = true;
    MachineInstance instance = strict.newInstance("shut", null, door);

    assertThat(instance.canFire("lift")).isFalse();
    assertThat(instance.allowedEvents()).as("structure, guards aside").containsExactly("lift");
    assertThatThrownBy(() -> instance.fire("lift"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessage(
            "Event \"lift\" is not allowed in state \"shut\" of machine \"gate\": refused by guard"
                + " \"unlocked\"");
    assertThat(instance.state()).isEqualTo("shut");

    door.locked = false;
    assertThat(instance.canFire("lift")).isTrue();
    assertThat(instance.fire("lift").to()).isEqualTo("up");
  }

  @ParameterizedTest
  @ValueSource(strings = {"exit closed", "motor", "enter opening"})
  void fire_actionThrows_staysInStateKeepsCauseAndStaysUsable(String failing) {
    Door door = new Door();
    door.failIn = failing;
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    assertThatThrownBy(() -> instance.fire("open"))
        .isInstanceOfSatisfying(
            ActionFailedException.class,
            e -> {
              assertThat(e.machine()).isEqualTo("door");
              assertThat(e.transition().from()).isEqualTo("closed");
              assertThat(e.transition().to()).isEqualTo("opening");
            })
        .hasMessageContaining("closed --open--> opening; the instance stays in \"closed\"")
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jammed in " + failing);
    assertThat(instance.state()).isEqualTo("closed");
    assertThat(instance.target()).isNull();
    assertThat(door.log).as("nothing after the failing action ran").endsWith(failing);

    door.failIn = "";
    door.log.clear();
    assertThat(instance.fire("open").to()).isEqualTo("opening");
    assertThat(instance.fire("done").to()).isEqualTo("open");
    assertThat(door.log).containsExactly("exit closed", "motor", "enter opening");
  }

  @Test
  void fire_actionThrowsChecked_isWrappedWithTheCause() {
    MachineDefinition machine =
        MachineDefinition.builder("io")
            .stableState("a")
            .stableState("b")
            .initialState("a")
            .transition("a", "go", "b")
            .then(
                context -> {
                  throw new java.io.IOException("disk gone");
                })
            .transition("b", "back", "a")
            .build();
    MachineInstance instance = machine.newInstance();

    assertThatThrownBy(() -> instance.fire("go"))
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("an action of the transition failed on a --go--> b")
        .hasRootCauseInstanceOf(java.io.IOException.class);
    assertThat(instance.state()).isEqualTo("a");
  }

  @Test
  void fire_guardThrows_throwsGuardFailedAndChangesNothing() {
    Door door = new Door();
    MachineDefinition machine =
        doorBuilder()
            .transition("open", "slam", "closed")
            .when(
                "sensor",
                d -> {
                  throw new IllegalStateException("sensor offline");
                })
            .build();
    MachineInstance instance = machine.newInstance("open", null, door);

    assertThatThrownBy(() -> instance.fire("slam"))
        .isInstanceOfSatisfying(
            GuardFailedException.class,
            e -> {
              assertThat(e.guard()).isEqualTo("sensor");
              assertThat(e.state()).isEqualTo("open");
              assertThat(e.event()).isEqualTo("slam");
            })
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(instance.state()).isEqualTo("open");
    assertThat(door.log).isEmpty();
  }

  @Test
  void dryRunAndCanFire_evaluateGuardsButRunNoAction() {
    Door door = new Door();
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    assertThat(instance.dryRun("open").to()).isEqualTo("opening");
    door.locked = true;
    assertThat(instance.dryRun("open").to()).isEqualTo("closed");
    assertThat(instance.canFire("open")).isTrue();
    assertThat(door.log).isEmpty();
    assertThat(instance.state()).isEqualTo("closed");
  }

  @Test
  void newInstance_runsNoEntryAction_andChecksTheContextType() {
    Door door = new Door();

    MachineInstance instance = DOOR.newInstance("opening", null, door);

    assertThat(door.log).isEmpty();
    assertThat(instance.context()).isSameAs(door);
    assertThat(instance.target()).isEqualTo("open");
    assertThat(DOOR.contextType()).isEqualTo(Door.class);
    assertThatThrownBy(() -> DOOR.newInstance("closed", null, "a string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Machine \"door\" takes a context of type "
                + Door.class.getName()
                + ", not java.lang.String");
  }

  @Test
  void fire_fromInsideAnAction_isRefused() {
    List<MachineInstance> self = new ArrayList<>();
    MachineDefinition machine =
        MachineDefinition.builder("loop")
            .stableState("a")
            .stableState("b")
            .initialState("a")
            .transition("a", "go", "b")
            .then(
                context -> {
                  if (self.size() == 1) {
                    self.add(null);
                    self.get(0).fire("back");
                  }
                })
            .transition("b", "back", "a")
            .build();
    MachineInstance instance = machine.newInstance();
    self.add(instance);

    assertThatThrownBy(() -> instance.fire("go"))
        .isInstanceOf(ActionFailedException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("fired from a guard, action or listener while the instance fires");
    assertThat(instance.state()).isEqualTo("a");
    assertThat(instance.fire("go", null).to()).as("usable afterwards").isEqualTo("b");
  }

  @Test
  void build_transitionAfterAnUnguardedOne_canNeverBeTakenAndIsRefused() {
    MachineDefinition.Builder<Object> builder =
        MachineDefinition.builder("m")
            .stableState("a")
            .stableState("b")
            .initialState("a")
            .transition("a", "go", "b")
            .transition("a", "go", "a")
            .when("never", context -> true)
            .transition("b", "back", "a");

    assertThatThrownBy(builder::build)
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": transition a --go [never]--> a can never be taken: a --go--> b,"
                + " declared before it, has no guard");
  }

  @Test
  void build_misplacedCode_isRefused() {
    assertThatThrownBy(() -> MachineDefinition.builder("m").when("g", context -> true))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"m\": when() applies to the transition declared before it, and there is"
                + " none");
    assertThatThrownBy(
            () ->
                MachineDefinition.builder("m")
                    .transition("a", "go", "b")
                    .when("g", context -> true)
                    .when("h", context -> true))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"m\": transition a --go [g]--> b already has guard \"g\"");
    assertThatThrownBy(
            () ->
                MachineDefinition.builder("m")
                    .transition(new Transition("a", "go", "b", null, "g")))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessageContaining("names guard \"g\" without its code");
    assertThatThrownBy(
            () ->
                doorBuilder().onEntry("ajar", context -> {}).onExit("open", context -> {}).build())
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"door\": entry action for unknown state \"ajar\"");
  }

  @Test
  void definition_guardedAlternatives_areListedInOrderAndCompareByGuardName() {
    assertThat(DOOR.transitions("closed", "open"))
        .extracting(Transition::to, Transition::guard)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("opening", "unlocked"),
            org.assertj.core.groups.Tuple.tuple("closed", "locked"));
    assertThat(DOOR.transition("closed", "open")).map(Transition::guard).contains("unlocked");
    assertThat(DOOR.transitions("open", "open")).isEmpty();
    assertThat(doorBuilder().build()).isEqualTo(DOOR);
  }
}
