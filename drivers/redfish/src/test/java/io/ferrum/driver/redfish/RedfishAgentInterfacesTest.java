package io.ferrum.driver.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redfish hardware type's agent-based interfaces: offered, chosen per node, and driven. */
class RedfishAgentInterfacesTest {

  private static final String UUID = "5d6f0c4e-9a3b-4d7e-8f21-0a1b2c3d4e5f";

  @TempDir Path httpboot;

  private RedfishService service;
  private RedfishHardware redfish;

  @BeforeEach
  void start() throws Exception {
    service = new RedfishService();
    redfish = new RedfishHardware();
    redfish.configure(
        DriverSettings.of(
            Map.of(
                "bmc-allowed-networks", "127.0.0.1",
                "redfish-allowed-schemes", "https,http",
                "httpboot-dir", httpboot.toString(),
                "agent-api-url", "http://192.0.2.1:6385",
                "agent-allowed-networks", "127.0.0.1/32",
                "image-allowed-url-schemes", "https")));
  }

  @AfterEach
  void stop() {
    service.close();
  }

  private DriverNode node(Map<String, String> choices) {
    Map<String, Object> info = new LinkedHashMap<>(service.driverInfo());
    info.put("deploy_kernel", "https://192.0.2.5/ipa.kernel");
    info.put("deploy_ramdisk", "https://192.0.2.5/ipa.initramfs");
    return new DriverNode(
        UUID,
        "bm-1",
        "redfish",
        info,
        Map.of("image_source", "https://192.0.2.5/disk.raw", "image_checksum", "ab".repeat(32)),
        Map.of(),
        Map.of(),
        choices,
        List.of("52:54:00:12:34:56"));
  }

  @Test
  void supportedInterfaces_offerIpxeDirectAndAgent_afterTheDefaults() {
    Map<String, List<String>> supported = redfish.supportedInterfaces();

    assertThat(supported.get("boot")).containsExactly("redfish", "ipxe");
    assertThat(supported.get("deploy")).containsExactly("redfish", "direct");
    assertThat(supported.get("raid")).containsExactly("no-raid", "agent");
    assertThat(redfish.driverProperties()).containsKeys("redfish_address", "deploy_kernel");
  }

  @Test
  void theDefaults_stillRefuseEveryCall() {
    DriverNode node = node(Map.of("boot", "redfish", "deploy", "redfish"));

    assertThatThrownBy(() -> redfish.boot().validate(node))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    assertThatThrownBy(() -> redfish.deploy().tearDown(node))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    assertThatThrownBy(() -> redfish.clean().validate(node))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    redfish.clean().validate(node(Map.of("boot", "ipxe", "deploy", "direct")));
  }

  @Test
  void directDeploy_bootsTheRamdiskOnce_andTearDownUndoesIt() {
    DriverNode node = node(Map.of("boot", "ipxe", "deploy", "direct"));
    redfish.boot().validate(node);

    assertThat(redfish.deploy().deploy(node)).isEqualTo(StepOutcome.WAIT);

    assertThat(service.boot()).isEqualTo("Pxe/Once");
    assertThat(service.power()).isEqualTo("On");
    assertThat(httpboot.resolve(UUID).resolve("config")).exists();

    redfish.deploy().tearDown(node);

    assertThat(service.power()).isEqualTo("Off");
    assertThat(httpboot.resolve(UUID)).doesNotExist();
  }

  @Test
  void checkInput_refusesAnImageSourceTheDirectDeployCannotUse() {
    Map<String, Object> instance = Map.of("image_source", "ftp://192.0.2.5/disk.raw");
    DriverNode node =
        new DriverNode(
            UUID,
            "bm-1",
            "redfish",
            service.driverInfo(),
            instance,
            Map.of(),
            Map.of(),
            Map.of("deploy", "direct"),
            List.of());

    assertThatThrownBy(() -> redfish.checkInput(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("image_source");
  }

  @Test
  void cleanUpKeepsThePower_tearDownCleaningPowersOff_bothRemoveTheFiles() {
    DriverNode node = node(Map.of("boot", "ipxe", "deploy", "direct"));
    redfish.deploy().deploy(node);

    redfish.deploy().cleanUp(node);

    assertThat(service.power()).isEqualTo("On");
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();

    redfish.clean().clean(node, List.of(), true);
    redfish.clean().tearDownCleaning(node);

    assertThat(service.power()).isEqualTo("Off");
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    DriverNode own = node(Map.of("boot", "redfish", "deploy", "redfish"));
    redfish.deploy().cleanUp(own);
    redfish.clean().tearDownCleaning(own);
  }
}
