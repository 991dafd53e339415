package io.ferrum.fsm.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.fsm.ActionFailedException;
import io.ferrum.fsm.EnumInstance;
import io.ferrum.fsm.EnumMachine;
import io.ferrum.fsm.EnumTransition;
import io.ferrum.fsm.FiredTransition;
import io.ferrum.fsm.InvalidTransitionException;
import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.MachineInstance;
import io.ferrum.fsm.ProvisionAction;
import io.ferrum.fsm.ProvisionEvent;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.ProvisionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/fsm.md, run as written. Each {@code tag::name[]} region below appears in the
 * guide word for word (and the door in the README too); {@link #guide_quotesTheseRegionsExactly()}
 * fails when they drift apart.
 */
class FsmGuideTest {

  // tag::door[]
  /** The door's extended state: whether it is locked, and its motor. */
  static final class Door {
    boolean locked;
    final List<String> motor = new ArrayList<>();
  }

  static final MachineDefinition DOOR =
      MachineDefinition.builder("door", Door.class)
          .stableState("closed")
          .stableState("open")
          .transientState("opening", "open")
          .transientState("closing", "closed")
          .initialState("closed")
          .transition("closed", "open", "opening")
          .when("unlocked", door -> !door.locked)
          .then(door -> door.motor.add("up"))
          .transition("opening", "done", "open")
          .transition("open", "close", "closing")
          .then(door -> door.motor.add("down"))
          .transition("closing", "done", "closed")
          .transition("closing", "fail", "open")
          .onEntry("open", door -> door.motor.add("stop"))
          .build();

  // end::door[]

  @Test
  void door_opensWhenUnlocked() {
    // tag::fire[]
    Door door = new Door();
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    FiredTransition fired = instance.fire("open"); // guard "unlocked" allows it
    // fired.to() == "opening", fired.targetAfter() == "open", door.motor == [up]
    instance.fire("done"); // entry action of "open": door.motor == [up, stop]
    // end::fire[]

    assertThat(fired.to()).isEqualTo("opening");
    assertThat(fired.targetAfter()).isEqualTo("open");
    assertThat(instance.state()).isEqualTo("open");
    assertThat(door.motor).containsExactly("up", "stop");
  }

  @Test
  void door_lockedRefusesAndFailureKeepsState() {
    Door door = new Door();
    door.locked = true;
    MachineInstance instance = DOOR.newInstance("closed", null, door);

    // tag::refused[]
    // With door.locked: InvalidTransitionException: Event "open" is not allowed in state
    // "closed" of machine "door": refused by guard "unlocked"
    // end::refused[]
    assertThatThrownBy(() -> instance.fire("open"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessage(
            "Event \"open\" is not allowed in state \"closed\" of machine \"door\": refused by"
                + " guard \"unlocked\"");
    assertThat(instance.state()).isEqualTo("closed");

    MachineDefinition jammed =
        MachineDefinition.builder("jammed", Door.class)
            .stableState("closed")
            .stableState("open")
            .initialState("closed")
            .transition("closed", "open", "open")
            .then(
                d -> {
                  throw new IOException("motor jammed");
                })
            .transition("open", "close", "closed")
            .build();
    MachineInstance stuck = jammed.newInstance("closed", null, new Door());
    assertThatThrownBy(() -> stuck.fire("open"))
        .isInstanceOf(ActionFailedException.class)
        .hasCauseInstanceOf(IOException.class);
    assertThat(stuck.state()).isEqualTo("closed");
  }

  @Test
  void door_failingToCloseLeavesNoTarget() {
    MachineInstance instance = DOOR.newInstance("open", null, new Door());

    // tag::target[]
    instance.fire("close"); // "closing", target "closed"
    FiredTransition failed = instance.fire("fail"); // back to "open"
    // failed.targetBefore() == "closed", failed.targetAfter() == null: a stable state aims at
    // nothing
    // end::target[]

    assertThat(failed.targetBefore()).isEqualTo("closed");
    assertThat(failed.targetAfter()).isNull();
    assertThat(instance.target()).isNull();
  }

  // tag::enums[]
  enum Light {
    OFF,
    WARMING,
    ON
  }

  enum Switch {
    FLIP,
    READY
  }

  static final EnumMachine<Light, Switch, Void> LAMP =
      EnumMachine.builder("lamp", Light.class, Switch.class, Void.class)
          .stableState(Light.OFF)
          .stableState(Light.ON)
          .transientState(Light.WARMING, Light.ON)
          .initialState(Light.OFF)
          .transition(Light.OFF, Switch.FLIP, Light.WARMING)
          .transition(Light.WARMING, Switch.READY, Light.ON)
          .transition(Light.ON, Switch.FLIP, Light.OFF)
          .build();

  // end::enums[]

  @Test
  void lamp_firesConstants() {
    // tag::enumsFire[]
    EnumInstance<Light, Switch, Void> lamp = LAMP.newInstance();
    List<Light> seen = new ArrayList<>();
    lamp.addListener(transition -> seen.add(transition.to()));

    EnumTransition<Light, Switch> flipped = lamp.fire(Switch.FLIP);
    // flipped.to() == Light.WARMING, lamp.target() == Light.ON, seen == [WARMING]
    // end::enumsFire[]

    assertThat(flipped.to()).isEqualTo(Light.WARMING);
    assertThat(lamp.target()).isEqualTo(Light.ON);
    assertThat(seen).containsExactly(Light.WARMING);
  }

  @Test
  void provisionMachine_typedAndUntyped() {
    // tag::ironic[]
    EnumInstance<ProvisionState, ProvisionEvent, Void> node =
        ProvisionMachine.TYPED.newInstance(ProvisionState.AVAILABLE, null, null);
    EnumTransition<ProvisionState, ProvisionEvent> deploy = node.fire(ProvisionEvent.DEPLOY);
    // deploy.to() == DEPLOYING, deploy.targetAfter() == ACTIVE,
    // deploy.action() == ProvisionAction.DEPLOY: the caller runs it, then fires DONE, WAIT or FAIL

    MachineInstance same = ProvisionMachine.DEFINITION.newInstance("available", null);
    same.fire("deploy"); // the same machine with Ironic's strings
    // end::ironic[]

    assertThat(deploy.to()).isEqualTo(ProvisionState.DEPLOYING);
    assertThat(deploy.targetAfter()).isEqualTo(ProvisionState.ACTIVE);
    assertThat(deploy.action()).isEqualTo(ProvisionAction.DEPLOY);
    assertThat(same.state()).isEqualTo("deploying");
  }

  /** Every tagged region of this file appears in docs/fsm.md, indentation aside. */
  @Test
  void guide_quotesTheseRegionsExactly() throws IOException {
    String source =
        Files.readString(
            Path.of("src/test/java/io/ferrum/fsm/guide/FsmGuideTest.java"), StandardCharsets.UTF_8);
    String guide = Files.readString(Path.of("../docs/fsm.md"), StandardCharsets.UTF_8);
    Matcher region =
        Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL)
            .matcher(source);
    List<String> tags = new ArrayList<>();
    while (region.find()) {
      tags.add(region.group(1));
      assertThat(guide).as("region %s", region.group(1)).contains(dedent(region.group(2)));
    }
    assertThat(tags).contains("door", "fire", "target", "enums", "enumsFire", "ironic");
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme).as("the README's own machine").contains(dedent(regionOf(source, "door")));
  }

  private static String regionOf(String source, String tag) {
    int start = source.indexOf("// tag::" + tag + "[]\n") + ("// tag::" + tag + "[]\n").length();
    return source.substring(start, source.indexOf("// end::" + tag + "[]", start)).stripTrailing();
  }

  private static String dedent(String text) {
    String[] lines = text.split("\n", -1);
    int indent = Integer.MAX_VALUE;
    for (String line : lines) {
      if (!line.isBlank()) {
        indent = Math.min(indent, line.length() - line.stripLeading().length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString().stripTrailing();
  }
}
