package io.ferrum.driver.agent;

import static io.ferrum.driver.agent.Fixtures.UUID;
import static io.ferrum.driver.agent.Fixtures.called;
import static io.ferrum.driver.agent.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCleanTest {

  @TempDir Path httpboot;

  private FakeAgent agent;
  private RecordingHardware hardware;
  private AgentClean clean;

  @BeforeEach
  void start() throws Exception {
    agent = new FakeAgent();
    hardware = new RecordingHardware();
    AgentSettings settings = AgentSettings.from(Fixtures.settings(httpboot));
    clean =
        new AgentInterfaces(
                hardware,
                hardware,
                settings,
                new AgentClient(
                    settings.callbacks(), Duration.ofSeconds(2), Duration.ofSeconds(2), 1 << 20))
            .clean();
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  @Test
  void automatedCleaning_erasesDiskMetadataThroughTheAgent() {
    DriverNode node = called(node(), agent.url());

    assertThat(clean.clean(node, List.of(), true)).isEqualTo(StepOutcome.WAIT);
    assertThat(hardware.calls).containsExactly("boot pxe once", "power off", "power on");
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).exists();
    hardware.calls.clear();

    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.posted()).hasSize(1);
    JsonNode command = agent.posted().get(0);
    assertThat(command.path("name").asText()).isEqualTo("clean.execute_clean_step");
    JsonNode params = command.path("params");
    assertThat(params.path("step").path("interface").asText()).isEqualTo("deploy");
    assertThat(params.path("step").path("step").asText()).isEqualTo("erase_devices_metadata");
    assertThat(params.path("node").path("uuid").asText()).isEqualTo(UUID);
    assertThat(params.path("node").has("driver_info")).isFalse();
    assertThat(params.path("ports").get(0).path("address").asText()).isEqualTo(Fixtures.MAC);
    assertThat(params.has("clean_version")).isTrue();

    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.posted()).hasSize(1);

    agent.finish(true, null);
    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.DONE);
    assertThat(hardware.calls).containsExactly("power off");
    assertThat(httpboot.resolve(UUID)).doesNotExist();
  }

  @Test
  void manualCleaning_runsTheRequestedStepsInOrder() {
    List<Step> steps =
        List.of(
            new Step("raid", "delete_configuration", Map.of()),
            new Step("deploy", "erase_devices", Map.of("zap", true)));
    // As the conductor records them when a manual cleaning starts.
    DriverNode node = recording(called(node(), agent.url()), steps);

    clean.clean(node, steps, false);
    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.WAIT);
    agent.finish(true, null);
    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.WAIT);
    agent.finish(true, null);
    assertThat(clean.continueClean(node)).isEqualTo(StepOutcome.DONE);

    assertThat(agent.posted())
        .extracting(c -> c.path("params").path("step").path("step").asText())
        .containsExactly("delete_configuration", "erase_devices");
    assertThat(
            agent.posted().get(1).path("params").path("step").path("args").path("zap").asBoolean())
        .isTrue();
  }

  @Test
  void aFailedStep_failsCleaningWithTheAgentsError() {
    DriverNode node = called(node(), agent.url());
    clean.clean(node, List.of(), true);
    clean.continueClean(node);
    agent.finish(false, "Erasing /dev/sda failed: device busy");

    assertThatThrownBy(() -> clean.continueClean(node))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("deploy.erase_devices_metadata")
        .hasMessageContaining("Erasing /dev/sda failed: device busy");
    assertThat(hardware.calls)
        .as("a failed cleaning does not leave the machine running the ramdisk")
        .endsWith("power off");
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
  }

  @Test
  void aTearDownFailure_isAddedToTheOriginalError() {
    DriverNode node = called(node(), agent.url());
    clean.clean(node, List.of(), true);
    clean.continueClean(node);
    agent.finish(false, "device busy");
    hardware.powerFailure = "BMC unreachable";

    assertThatThrownBy(() -> clean.continueClean(node))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("device busy")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s).hasMessage("BMC unreachable")));
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56"))
        .as("files are removed even when powering off fails")
        .doesNotExist();
  }

  @Test
  void tearDownCleaning_powersOffAndRemovesTheScripts_andNeedsNothingToUndo() {
    DriverNode node = called(node(), agent.url());
    clean.clean(node, List.of(), true);
    hardware.calls.clear();

    clean.tearDownCleaning(node);

    assertThat(hardware.calls).containsExactly("power off");
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    clean.tearDownCleaning(node);
    clean.tearDownCleaning(
        node(Fixtures.driverInfo(), Fixtures.instanceInfo(), Map.of(), List.of()));
    assertThat(hardware.calls).as("a machine that is off is not powered off again").hasSize(1);
  }

  @Test
  void aBootInterfaceOtherThanIpxe_isRefusedBeforeAnythingHappens() {
    DriverNode pxe =
        new DriverNode(
            UUID,
            "bm-1",
            "ipmi",
            Fixtures.driverInfo(),
            Fixtures.instanceInfo(),
            Map.of(),
            Map.of(),
            Map.of("boot", "pxe", "deploy", "direct"),
            List.of(Fixtures.MAC));

    assertThatThrownBy(() -> clean.clean(pxe, List.of(), true))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThatThrownBy(() -> clean.validate(pxe))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThat(hardware.calls).isEmpty();
    assertThat(httpboot).isEmptyDirectory();
  }

  @Test
  void stepsTheAgentCannotRun_areRefusedBeforeAnythingHappens() {
    DriverNode node = called(node(), agent.url());

    assertThatThrownBy(
            () -> clean.clean(node, List.of(new Step("raid", "create_configuration", null)), false))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("target RAID configuration");
    assertThatThrownBy(() -> clean.clean(node, List.of(new Step("power", "../x", null)), false))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThat(hardware.calls).isEmpty();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
  }

  @Test
  void aRecordThatIsNotAListOfSteps_failsCleaning_beforeTheAgentIsAsked() {
    DriverNode node = called(node(), agent.url());
    Map<String, Object> internal = new java.util.LinkedHashMap<>(node.driverInternalInfo());
    internal.put(AgentClean.CLEAN_STEPS, List.of(Map.of("interface", "raid")));
    DriverNode broken =
        new DriverNode(
            node.uuid(),
            node.name(),
            node.driver(),
            node.driverInfo(),
            node.instanceInfo(),
            node.properties(),
            internal,
            node.interfaces(),
            node.macs());

    assertThatThrownBy(() -> clean.continueClean(broken))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("clean_steps");
    assertThat(agent.requests).isEmpty();
  }

  /** {@code node} with {@code steps} recorded in {@code driver_internal_info.clean_steps}. */
  private static DriverNode recording(DriverNode node, List<Step> steps) {
    Map<String, Object> internal = new java.util.LinkedHashMap<>(node.driverInternalInfo());
    internal.put(
        AgentClean.CLEAN_STEPS,
        steps.stream()
            .map(
                s ->
                    Map.<String, Object>of(
                        "interface", s.interfaceName(), "step", s.name(), "args", s.args()))
            .toList());
    return new DriverNode(
        node.uuid(),
        node.name(),
        node.driver(),
        node.driverInfo(),
        node.instanceInfo(),
        node.properties(),
        internal,
        node.interfaces(),
        node.macs());
  }
}
