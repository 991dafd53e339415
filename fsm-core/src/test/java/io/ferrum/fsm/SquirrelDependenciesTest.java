package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fsm-core runs on Squirrel without MVEL (excluded in the parent pom: it only evaluates Squirrel's
 * script conditions, which Ferrum never uses). The test classpath is the one users get, so the
 * machines here build and fire exactly as theirs will.
 */
class SquirrelDependenciesTest {

  @Test
  void classpath_hasNoMvel() {
    assertThatThrownBy(() -> Class.forName("org.mvel2.MVEL"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  @Test
  void machines_buildAndFireWithoutMvel() {
    List<String> ran = new ArrayList<>();
    MachineDefinition machine =
        MachineDefinition.builder("fresh " + System.nanoTime())
            .stableState("a")
            .transientState("b", "a")
            .initialState("a")
            .transition("a", "go", "b")
            .when("always", context -> true)
            .then(context -> ran.add("go"))
            .transition("b", "done", "a")
            .onEntry("a", context -> ran.add("enter a"))
            .build();
    MachineInstance instance = machine.newInstance();

    instance.fire("go");
    instance.fire("done");

    assertThat(instance.state()).isEqualTo("a");
    assertThat(ran).containsExactly("go", "enter a");
    MachineInstance deploy = ProvisionMachine.DEFINITION.newInstance("available", null);
    assertThat(deploy.fire("deploy").to()).isEqualTo("deploying");
    assertThat(PowerMachine.instance(PowerState.POWER_ON).fire("reboot").to())
        .isEqualTo("rebooting");
  }
}
