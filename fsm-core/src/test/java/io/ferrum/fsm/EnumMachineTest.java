package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The typed API: enum states and events over the same machines. */
class EnumMachineTest {

  enum Light {
    OFF,
    WARMING,
    ON
  }

  enum Switch {
    FLIP,
    READY,
    BROKEN
  }

  private static final EnumMachine<Light, Switch, AtomicInteger> LAMP =
      EnumMachine.builder("lamp", Light.class, Switch.class, AtomicInteger.class)
          .stableState(Light.OFF)
          .stableState(Light.ON)
          .transientState(Light.WARMING, Light.ON)
          .initialState(Light.OFF)
          .transition(Light.OFF, Switch.FLIP, Light.WARMING)
          .when("bulb left", bulbs -> bulbs.get() > 0)
          .then(AtomicInteger::decrementAndGet)
          .transition(Light.WARMING, Switch.READY, Light.ON)
          .transition(Light.WARMING, Switch.BROKEN, Light.OFF)
          .transition(Light.ON, Switch.FLIP, Light.OFF)
          .onEntry(Light.ON, bulbs -> {})
          .build();

  @Test
  void typedInstance_firesConstantsAndReportsConstants() {
    AtomicInteger bulbs = new AtomicInteger(1);
    EnumInstance<Light, Switch, AtomicInteger> lamp = LAMP.newInstance(Light.OFF, null, bulbs);
    List<EnumTransition<Light, Switch>> heard = new ArrayList<>();
    lamp.addListener(heard::add);

    EnumTransition<Light, Switch> flipped = lamp.fire(Switch.FLIP);

    assertThat(flipped)
        .isEqualTo(
            new EnumTransition<>(Light.OFF, Switch.FLIP, Light.WARMING, null, Light.ON, null));
    assertThat(lamp.state()).isEqualTo(Light.WARMING);
    assertThat(lamp.target()).isEqualTo(Light.ON);
    assertThat(lamp.allowedEvents()).containsExactly(Switch.READY, Switch.BROKEN);
    assertThat(lamp.context()).isSameAs(bulbs).hasValue(0);
    assertThat(lamp.fire(Switch.BROKEN).to()).isEqualTo(Light.OFF);
    assertThat(lamp.canFire(Switch.FLIP)).as("no bulb left").isFalse();
    assertThat(heard).extracting(EnumTransition::to).containsExactly(Light.WARMING, Light.OFF);
    assertThat(lamp.untyped().state()).isEqualTo("OFF");
  }

  @Test
  void removedTypedListener_isNoLongerTold() {
    EnumInstance<Light, Switch, AtomicInteger> lamp =
        LAMP.newInstance(Light.OFF, null, new AtomicInteger(5));
    List<Light> heard = new ArrayList<>();
    TransitionListener<EnumTransition<Light, Switch>> listener = t -> heard.add(t.to());
    lamp.addListener(listener);
    lamp.addListener(listener);

    lamp.fire(Switch.FLIP);
    assertThat(lamp.removeListener(listener)).isTrue();
    lamp.fire(Switch.READY);

    assertThat(heard).containsExactly(Light.WARMING);
  }

  @Test
  void definitionUnderneath_isTheSameMachineWithConstantNames() {
    MachineDefinition strings = LAMP.definition();

    assertThat(strings.name()).isEqualTo("lamp");
    assertThat(strings.initialState()).isEqualTo("OFF");
    assertThat(strings.transition("OFF", "FLIP")).map(Transition::guard).contains("bulb left");
    assertThat(LAMP.state("WARMING")).isEqualTo(Light.WARMING);
    assertThatThrownBy(() -> LAMP.state("DIMMED"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Machine \"lamp\" has no state \"DIMMED\"");
  }

  @Test
  void build_stateConstantNotDeclared_isRefused() {
    EnumMachine.Builder<Light, Switch, Object> builder =
        EnumMachine.builder("lamp", Light.class, Switch.class, Object.class)
            .stableState(Light.OFF)
            .stableState(Light.ON)
            .initialState(Light.OFF)
            .transition(Light.OFF, Switch.FLIP, Light.ON)
            .transition(Light.ON, Switch.FLIP, Light.OFF);

    assertThatThrownBy(builder::build)
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"lamp\": Light.WARMING is not a declared state");
  }

  @Test
  void of_eventWithoutConstant_orContextTooWide_isRefused() {
    assertThatThrownBy(
            () ->
                EnumMachine.of(
                    PowerMachine.DEFINITION,
                    PowerState.class,
                    PowerState::stateName,
                    Switch.class,
                    Enum::name,
                    Object.class))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Machine \"power\": event \"power on\" has no Switch constant");
    assertThatThrownBy(
            () ->
                EnumMachine.of(
                    LAMP.definition(),
                    Light.class,
                    Enum::name,
                    Switch.class,
                    Enum::name,
                    Object.class))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage(
            "Machine \"lamp\": it takes a context of type java.util.concurrent.atomic.AtomicInteger,"
                + " not java.lang.Object");
    assertThatThrownBy(
            () ->
                EnumMachine.of(
                    LAMP.definition(),
                    Light.class,
                    light -> "x",
                    Switch.class,
                    Enum::name,
                    AtomicInteger.class))
        .isInstanceOf(MachineDefinitionException.class)
        .hasMessage("Light.OFF and Light.WARMING share the name \"x\"");
  }

  @Test
  void provisionMachine_typed_usesIronicStrings() {
    EnumInstance<ProvisionState, ProvisionEvent, Void> node =
        ProvisionMachine.TYPED.newInstance(ProvisionState.AVAILABLE, null, null);

    EnumTransition<ProvisionState, ProvisionEvent> fired = node.fire(ProvisionEvent.DEPLOY);

    assertThat(fired.to()).isEqualTo(ProvisionState.DEPLOYING);
    assertThat(fired.targetAfter()).isEqualTo(ProvisionState.ACTIVE);
    assertThat(fired.action()).isEqualTo(ProvisionAction.DEPLOY);
    assertThat(node.untyped().state()).isEqualTo("deploying");
    assertThat(ProvisionMachine.TYPED.definition()).isSameAs(ProvisionMachine.DEFINITION);
    assertThat(node.fire(ProvisionEvent.FAIL).to()).isEqualTo(ProvisionState.DEPLOY_FAILED);
    assertThat(node.dryRun(ProvisionEvent.DELETE).targetAfter())
        .isEqualTo(ProvisionState.AVAILABLE);
    assertThat(
            ProvisionMachine.TYPED
                .newInstance(ProvisionState.MANAGEABLE, null, null)
                .fire(ProvisionEvent.CLEAN, ProvisionState.MANAGEABLE)
                .targetAfter())
        .isEqualTo(ProvisionState.MANAGEABLE);
  }
}
