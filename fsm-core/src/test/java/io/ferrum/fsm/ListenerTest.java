package io.ferrum.fsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listeners on one instance: when they are told, in which order, and what their failures do. */
class ListenerTest {

  private final MachineInstance instance =
      ProvisionMachine.DEFINITION.newInstance("available", null);
  private final List<String> heard = new ArrayList<>();

  @Test
  void listeners_areToldAfterTheMoveInTheOrderAdded() {
    instance.addListener(t -> heard.add("first " + t.to() + " now " + instance.state()));
    instance.addListener(t -> heard.add("second " + t.event()));

    instance.fire("deploy");

    assertThat(heard).containsExactly("first deploying now deploying", "second deploy");
  }

  @Test
  void refusedEvent_tellsNobody() {
    instance.addListener(t -> heard.add(t.event()));

    assertThatThrownBy(() -> instance.fire("resume"))
        .isInstanceOf(InvalidTransitionException.class);

    assertThat(heard).isEmpty();
  }

  @Test
  void listenerThrows_transitionStandsOthersAreToldAndCausesAreKept() {
    RuntimeException first = new IllegalStateException("first");
    RuntimeException second = new IllegalStateException("second");
    instance.addListener(
        t -> {
          throw first;
        });
    instance.addListener(t -> heard.add(t.to()));
    instance.addListener(
        t -> {
          throw second;
        });

    assertThatThrownBy(() -> instance.fire("deploy"))
        .isInstanceOfSatisfying(
            ListenerFailedException.class,
            e -> {
              assertThat(e.transition().to()).isEqualTo("deploying");
              assertThat(e.getCause()).isSameAs(first);
              assertThat(first.getSuppressed()).containsExactly(second);
            });
    assertThat(instance.state()).isEqualTo("deploying");
    assertThat(heard).containsExactly("deploying");
  }

  @Test
  void removedListener_isNoLongerTold_evenWhenItRemovesItself() {
    List<TransitionListener<FiredTransition>> once = new ArrayList<>();
    once.add(
        t -> {
          heard.add("once " + t.to());
          instance.removeListener(once.get(0));
        });
    TransitionListener<FiredTransition> always = t -> heard.add("always " + t.to());
    instance.addListener(once.get(0));
    instance.addListener(always);

    instance.fire("deploy");
    instance.fire("done");
    assertThat(instance.removeListener(always)).isTrue();
    assertThat(instance.removeListener(always)).isFalse();
    instance.fire("delete");

    assertThat(heard).containsExactly("once deploying", "always deploying", "always active");
  }

  @Test
  void listenerFiringItsOwnInstance_isRefused() {
    instance.addListener(t -> instance.fire("done"));

    assertThatThrownBy(() -> instance.fire("deploy"))
        .isInstanceOf(ListenerFailedException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class);
    assertThat(instance.state()).isEqualTo("deploying");
  }
}
