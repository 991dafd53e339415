package io.ferrum.driver.agent;

import static io.ferrum.driver.agent.Fixtures.UUID;
import static io.ferrum.driver.agent.Fixtures.called;
import static io.ferrum.driver.agent.Fixtures.driverInfo;
import static io.ferrum.driver.agent.Fixtures.instanceInfo;
import static io.ferrum.driver.agent.Fixtures.node;
import static io.ferrum.driver.agent.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectDeployTest {

  @TempDir Path httpboot;

  private FakeAgent agent;
  private RecordingHardware hardware;
  private AgentInterfaces interfaces;

  @BeforeEach
  void start() throws Exception {
    agent = new FakeAgent();
    hardware = new RecordingHardware();
    AgentSettings settings = AgentSettings.from(Fixtures.settings(httpboot));
    interfaces =
        new AgentInterfaces(
            hardware,
            hardware,
            settings,
            new AgentClient(
                settings.callbacks(), Duration.ofSeconds(2), Duration.ofSeconds(2), 1 << 20));
  }

  @AfterEach
  void stop() {
    agent.close();
  }

  private DirectDeploy deploy() {
    return interfaces.deploy();
  }

  @Test
  void deploy_bootsTheRamdisk_writesTheImageThroughTheAgent_thenBootsTheDisk() {
    DriverNode node = node();

    assertThat(deploy().deploy(node)).isEqualTo(StepOutcome.WAIT);
    assertThat(hardware.calls).containsExactly("boot pxe once", "power off", "power on");
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).exists();
    hardware.calls.clear();

    assertThatThrownBy(() -> deploy().continueDeploy(node))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("no agent has called back");

    DriverNode heard = called(node, agent.url());
    assertThat(deploy().continueDeploy(heard)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.posted()).hasSize(1);
    JsonNode command = agent.posted().get(0);
    assertThat(command.path("name").asText()).isEqualTo("standby.prepare_image");
    JsonNode image = command.path("params").path("image_info");
    assertThat(image.path("id").asText()).isEqualTo("focal.qcow2");
    assertThat(image.path("urls").get(0).asText()).isEqualTo(Fixtures.IMAGE);
    assertThat(image.path("os_hash_algo").asText()).isEqualTo("sha256");
    assertThat(image.path("os_hash_value").asText()).isEqualTo(Fixtures.SHA256);
    assertThat(image.path("disk_format").asText()).isEqualTo("qcow2");
    assertThat(image.path("image_type").asText()).isEqualTo("whole-disk");
    assertThat(image.path("stream_raw_images").asBoolean()).isTrue();
    assertThat(image.path("node_uuid").asText()).isEqualTo(UUID);
    assertThat(image.has("checksum")).isFalse();
    FakeAgent.Request post =
        agent.requests.stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
    assertThat(post.path()).isEqualTo("/v1/commands/");
    assertThat(post.query()).isEqualTo("wait=false&agent_token=" + FakeAgent.TOKEN);

    assertThat(deploy().continueDeploy(heard)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.posted()).hasSize(1);
    assertThat(hardware.calls).isEmpty();

    agent.finish(true, null);
    assertThat(deploy().continueDeploy(heard)).isEqualTo(StepOutcome.DONE);
    assertThat(hardware.calls).containsExactly("boot disk persistent", "power off", "power on");
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(agent.posted()).hasSize(1);
  }

  @Test
  void aFailedPrepareImage_failsTheDeployWithTheAgentsError() {
    DriverNode heard = called(node(), agent.url());
    deploy().deploy(heard);
    deploy().continueDeploy(heard);
    hardware.calls.clear();
    agent.finish(
        false,
        Map.of(
            "type", "ImageDownloadError",
            "code", 400,
            "message", "Error downloading image",
            "details", "Download of image focal.qcow2 failed: 404\nNot Found"));

    assertThatThrownBy(() -> deploy().continueDeploy(heard))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("bm-1")
        .hasMessageContaining("standby.prepare_image")
        .hasMessageContaining("FAILED")
        .hasMessageContaining("Download of image focal.qcow2 failed: 404?Not Found");
    assertThat(hardware.calls).as("the power stays as it is").isEmpty();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56"))
        .as("a failed deploy does not leave the machine booting the ramdisk")
        .doesNotExist();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
  }

  @Test
  void cleanUp_removesTheRamdiskScripts_leavesThePower_andNeedsNothingToUndo() {
    deploy().deploy(node());
    hardware.calls.clear();

    deploy().cleanUp(node());

    assertThat(hardware.calls).isEmpty();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-ab-cd-ef")).doesNotExist();
    deploy().cleanUp(node());
    deploy().cleanUp(node(driverInfo(), instanceInfo(), Map.of(), List.of()));
    assertThat(hardware.calls).isEmpty();
  }

  @Test
  void anUnreachableAgent_isTriedThreeTimes_theErrorSaysWhy_andTheScriptsAreRemoved()
      throws Exception {
    int port;
    try (java.net.ServerSocket socket =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    AgentSettings settings = AgentSettings.from(Fixtures.settings(httpboot));
    AgentClient client =
        new AgentClient(
            settings.callbacks(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            1 << 20,
            Duration.ofMillis(10),
            pauses::add);
    DirectDeploy deploy = new AgentInterfaces(hardware, hardware, settings, client).deploy();
    DriverNode heard = called(node(), "http://127.0.0.1:" + port);
    deploy.deploy(heard);

    assertThatThrownBy(() -> deploy.continueDeploy(heard))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("could not reach the agent")
        .hasMessageContaining("3 attempts")
        .hasMessageContaining("ConnectException")
        .hasMessageContaining("connection refused, reset or unreachable");
    assertThat(pauses).hasSize(2);
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
  }

  @Test
  void anAnswerIsNeverSentAgain() {
    List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    AgentSettings settings = AgentSettings.from(Fixtures.settings(httpboot));
    AgentClient client =
        new AgentClient(
            settings.callbacks(),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            1 << 20,
            Duration.ofMillis(10),
            pauses::add);
    agent.mode = FakeAgent.Mode.GARBAGE;

    assertThatThrownBy(() -> client.commands(called(node(), agent.url()), "x"))
        .isInstanceOf(DriverException.class);
    assertThat(agent.requests).hasSize(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void aCleanUpFailure_isAddedToTheOriginalError() throws Exception {
    DriverNode heard = called(node(), agent.url());
    deploy().deploy(heard);
    deploy().continueDeploy(heard);
    agent.finish(false, "disk on fire");
    // The node's directory cannot be removed: it holds a file cleanup does not know.
    Files.writeString(httpboot.resolve(UUID).resolve("extra"), "x");

    assertThatThrownBy(() -> deploy().continueDeploy(heard))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("disk on fire")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .satisfies(s -> assertThat(s).hasMessageContaining("could not remove")));
  }

  @Test
  void aBootInterfaceOtherThanIpxe_isRefusedBeforeAnythingHappens() {
    DriverNode pxe =
        new DriverNode(
            UUID,
            "bm-1",
            "ipmi",
            driverInfo(),
            instanceInfo(),
            Map.of(),
            Map.of(),
            Map.of("boot", "pxe", "deploy", "direct"),
            List.of(Fixtures.MAC));

    assertThatThrownBy(() -> deploy().validate(pxe))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThatThrownBy(() -> deploy().deploy(pxe))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThat(hardware.calls).isEmpty();
    assertThat(httpboot).isEmptyDirectory();
  }

  @Test
  void aBusyAgent_isAskedAgainAtTheNextHeartbeat() {
    DriverNode heard = called(node(), agent.url());
    agent.mode = FakeAgent.Mode.BUSY;

    assertThat(deploy().continueDeploy(heard)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.requests).extracting(FakeAgent.Request::method).containsExactly("GET", "POST");

    agent.mode = FakeAgent.Mode.NORMAL;
    assertThat(deploy().continueDeploy(heard)).isEqualTo(StepOutcome.WAIT);
    assertThat(agent.posted()).hasSize(2);
    assertThat(agent.posted().get(1).path("name").asText()).isEqualTo("standby.prepare_image");
  }

  @Test
  void tearDown_powersOffAndRemovesTheRamdiskScripts() {
    deploy().deploy(node());
    hardware.calls.clear();

    deploy().tearDown(node());

    assertThat(hardware.calls).containsExactly("power off");
    assertThat(httpboot.resolve(UUID)).doesNotExist();

    deploy().tearDown(node());
    assertThat(hardware.calls).as("a machine that is off is not powered off again").hasSize(1);
  }

  @Test
  void anAgentOutsideTheAllowedNetworks_isNeverContacted() {
    DriverNode elsewhere = called(node(), "http://10.1.2.3:" + agent.url().replaceAll(".*:", ""));

    assertThatThrownBy(() -> deploy().continueDeploy(elsewhere))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("agent-allowed-networks");
    DriverNode withPath = called(node(), agent.url() + "/v1/evil");
    assertThatThrownBy(() -> deploy().continueDeploy(withPath))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("callback_url");
    assertThat(agent.requests).isEmpty();
  }

  @Test
  void anAgentAnswering50MiB_isCutOff() {
    agent.mode = FakeAgent.Mode.HUGE;

    assertThatThrownBy(() -> deploy().continueDeploy(called(node(), agent.url())))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("longer than 1048576 bytes");
  }

  @Test
  void anAgentThatNeverAnswers_timesOut() {
    agent.mode = FakeAgent.Mode.HANG;

    assertThatThrownBy(() -> deploy().continueDeploy(called(node(), agent.url())))
        .isInstanceOf(DriverTimeoutException.class)
        .hasMessageContaining("did not answer");
  }

  @Test
  void redirectsAreNotFollowed_andNonJsonIsRefused() {
    agent.mode = FakeAgent.Mode.REDIRECT;
    assertThatThrownBy(() -> deploy().continueDeploy(called(node(), agent.url())))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("HTTP 302");
    assertThat(agent.requests).hasSize(1);

    agent.mode = FakeAgent.Mode.GARBAGE;
    assertThatThrownBy(() -> deploy().continueDeploy(called(node(), agent.url())))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void aRefusedToken_reportsTheAgentsFault() {
    DriverNode node = node();
    DriverNode wrongToken =
        new DriverNode(
            node.uuid(),
            node.name(),
            node.driver(),
            node.driverInfo(),
            node.instanceInfo(),
            node.properties(),
            Map.of("agent_url", agent.url(), "agent_secret_token", "other"),
            node.interfaces(),
            node.macs());

    assertThatThrownBy(() -> deploy().continueDeploy(wrongToken))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("bad agent_token");
  }

  @Test
  void validate_appliesIronicsImageRules() {
    assertThatThrownBy(() -> deploy().validate(instance("image_source", null)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("image_source");
    assertThatThrownBy(
            () -> deploy().validate(instance("image_source", "/var/lib/ferrum/images/x")))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("http or https");
    assertThatThrownBy(
            () ->
                deploy()
                    .validate(
                        node(
                            driverInfo(),
                            Map.of("image_source", Fixtures.IMAGE),
                            Map.of(),
                            List.of(Fixtures.MAC))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("image_checksum");
    assertThatThrownBy(() -> deploy().validate(instance("image_os_hash_value", "abc")))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("64-digit");
    assertThatThrownBy(() -> deploy().validate(instance("image_os_hash_algo", "crc32")))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("sha512");
    assertThatThrownBy(() -> deploy().validate(instance("image_os_hash_algo", null)))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("both");
    assertThatThrownBy(
            () ->
                deploy()
                    .validate(
                        node(
                            driverInfo(),
                            Map.of(
                                "image_source", Fixtures.IMAGE, "image_checksum", "z".repeat(32)),
                            Map.of(),
                            List.of(Fixtures.MAC))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("hex");
    deploy()
        .validate(
            node(
                driverInfo(),
                Map.of(
                    "image_source", Fixtures.IMAGE, "image_checksum", "0123456789abcdef".repeat(2)),
                Map.of(),
                List.of(Fixtures.MAC)));
    assertThatThrownBy(
            () -> deploy().validate(instance("configdrive", Map.of("meta_data", Map.of()))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("configdrive");
  }

  private static DriverNode instance(String key, Object value) {
    return node(driverInfo(), with(instanceInfo(), key, value), Map.of(), List.of(Fixtures.MAC));
  }
}
