package io.ferrum.conductor.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.Notification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The matrix's notification check catches what it must: the checker is tested too. */
class ConductorMatrixTest {

  @Test
  void completeStory_passes() {
    assertThatCode(
            () ->
                ConductorMatrix.checkNotifications(
                    List.of(
                        provision("start", "available", "deploying"),
                        provision("end", "deploying", "active"),
                        power("start"),
                        power("end")),
                    "active"))
        .doesNotThrowAnyException();
  }

  @Test
  void endWithoutItsStart_fails() {
    assertThatThrownBy(
            () ->
                ConductorMatrix.checkNotifications(
                    List.of(
                        provision("end", "verifying", "manageable"),
                        provision("end", "deploying", "active")),
                    "active"))
        .hasMessageContaining("lost or repeated notification");
  }

  @Test
  void startWithoutItsEnd_fails() {
    assertThatThrownBy(
            () ->
                ConductorMatrix.checkNotifications(
                    List.of(provision("start", "available", "deploying")), "active"))
        .hasMessageContaining("last provision notification");
  }

  @Test
  void powerErrorWithoutStart_fails() {
    assertThatThrownBy(() -> ConductorMatrix.checkNotifications(List.of(power("error")), "active"))
        .hasMessageContaining("power_set.error without its start");
  }

  private static Notification provision(String status, String from, String to) {
    return new Notification(
        "baremetal.node.provision_set." + status,
        "INFO",
        "test",
        Instant.EPOCH,
        Map.of("uuid", "u", "provision_state", to, "previous_provision_state", from));
  }

  private static Notification power(String status) {
    return new Notification(
        "baremetal.node.power_set." + status, "INFO", "test", Instant.EPOCH, Map.of("uuid", "u"));
  }
}
