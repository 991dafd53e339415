package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.testing.ConductorEnv;
import io.ferrum.conductor.testing.ConductorTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A node's traits: Ironic's names, its limit, and changes under the node's lock. */
class NodeTraitsTest {

  @ConductorTest
  void addSetRemoveClear_keepASortedSetOnTheNode(ConductorEnv env) {
    NodeTraits traits = env.conductor().traits();
    Node node = env.createNode(Map.of());

    traits.add(node.uuid(), "CUSTOM_GPU");
    traits.add(node.uuid(), "HW_CPU_X86_VMX");
    traits.add(node.uuid(), "CUSTOM_GPU");

    assertThat(traits.list(node.uuid())).containsExactly("CUSTOM_GPU", "HW_CPU_X86_VMX");
    assertThat(env.conductor().getNode(node.uuid()).attributes().traits())
        .containsExactly("CUSTOM_GPU", "HW_CPU_X86_VMX");
    traits.remove(node.uuid(), "CUSTOM_GPU");
    assertThat(traits.list(node.uuid())).containsExactly("HW_CPU_X86_VMX");
    traits.set(node.uuid(), List.of("CUSTOM_B", "CUSTOM_A", "CUSTOM_B"));
    assertThat(traits.list(node.uuid())).containsExactly("CUSTOM_A", "CUSTOM_B");
    traits.clear(node.uuid());
    assertThat(traits.list(node.uuid())).isEmpty();
  }

  @ConductorTest
  void invalidNamesTooManyAndMissing_areRefusedClearly(ConductorEnv env) {
    NodeTraits traits = env.conductor().traits();
    Node node = env.createNode(Map.of());

    for (String bad : List.of("custom_gpu", "CUSTOM_", "HW_NOT_A_TRAIT", "CUSTOM_A-B")) {
      assertThatThrownBy(() -> traits.add(node.uuid(), bad))
          .as(bad)
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageStartingWith("Invalid trait \"" + bad + "\"");
    }
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 51; i++) {
      many.add("CUSTOM_T" + i);
    }
    assertThatThrownBy(() -> traits.set(node.uuid(), many))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("at most 50");
    assertThatThrownBy(() -> traits.remove(node.uuid(), "CUSTOM_ABSENT"))
        .isInstanceOf(NodeNotFoundException.class)
        .hasMessage("Node " + node.uuid() + " doesn't have a trait CUSTOM_ABSENT.");
    assertThat(traits.list(node.uuid())).isEmpty();
  }
}
