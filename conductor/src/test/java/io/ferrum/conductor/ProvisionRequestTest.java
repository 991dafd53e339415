package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.Step;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a provision request checks by itself, whoever builds it (API, bulk, embedder). */
class ProvisionRequestTest {

  private static final Step GOOD = new Step("deploy", "erase_devices", Map.of());

  @Test
  void cleanAndServiceSteps_nameAnInterfaceIronicCollectsStepsFrom() {
    assertThatThrownBy(
            () -> ProvisionRequest.clean(List.of(GOOD, new Step("../../x", "y", Map.of()))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(
            "clean_steps[1].interface must be one of [bios, deploy, management, power, raid]");
    assertThatThrownBy(
            () ->
                new ProvisionRequest(
                    "service", List.of(), List.of(new Step("console", "s", Map.of())), null))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageStartingWith("service_steps[0].interface must be one of");
    assertThatThrownBy(() -> ProvisionRequest.clean(List.of(new Step("raid", "", Map.of()))))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage("clean_steps[0].step must be a non-empty string");

    for (String iface : ProvisionRequest.STEP_INTERFACES) {
      assertThat(ProvisionRequest.clean(List.of(new Step(iface, "s", Map.of()))).cleanSteps())
          .hasSize(1);
    }
  }
}
