package io.ferrum.driver.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.StepOutcome;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ipmi hardware type's agent-based interfaces: offered, chosen per node, and driven. */
class IpmiAgentInterfacesTest {

  private static final String UUID = "5d6f0c4e-9a3b-4d7e-8f21-0a1b2c3d4e5f";

  @TempDir Path dir;

  private IpmiHardware configured(Path httpboot) {
    IpmiHardware ipmi = new IpmiHardware();
    ipmi.configure(
        DriverSettings.of(
            Map.of(
                "bmc-allowed-networks", "127.0.0.0/8",
                "ipmi-min-command-interval", "0",
                "httpboot-dir", httpboot.toString(),
                "agent-api-url", "http://192.0.2.1:6385",
                "agent-allowed-networks", "127.0.0.1/32",
                "image-allowed-url-schemes", "https")));
    return ipmi;
  }

  private static DriverNode node(Map<String, Object> driverInfo, Map<String, String> choices) {
    Map<String, Object> info = new LinkedHashMap<>(driverInfo);
    info.put("deploy_kernel", "https://192.0.2.5/ipa.kernel");
    info.put("deploy_ramdisk", "https://192.0.2.5/ipa.initramfs");
    return new DriverNode(
        UUID,
        "bm-1",
        "ipmi",
        info,
        Map.of("image_source", "https://192.0.2.5/disk.raw", "image_checksum", "ab".repeat(32)),
        Map.of(),
        Map.of(),
        choices,
        List.of("52:54:00:12:34:56"));
  }

  @Test
  void supportedInterfaces_offerIpxeDirectAndAgent_afterTheDefaults() {
    Map<String, List<String>> supported = new IpmiHardware().supportedInterfaces();

    assertThat(supported.get("boot")).containsExactly("ipmi", "ipxe");
    assertThat(supported.get("deploy")).containsExactly("ipmi", "direct");
    assertThat(supported.get("raid")).containsExactly("no-raid", "agent");
    assertThat(supported.get("power")).containsExactly("ipmitool");
    assertThat(new IpmiHardware().driverProperties())
        .containsKeys("ipmi_address", "deploy_kernel", "deploy_ramdisk");
  }

  @Test
  void theDefaults_stillRefuseEveryCall() {
    IpmiHardware ipmi = configured(dir);
    DriverNode node = node(Map.of(), Map.of("boot", "ipmi", "deploy", "ipmi"));

    assertThatThrownBy(() -> ipmi.boot().validate(node))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    assertThatThrownBy(() -> ipmi.deploy().deploy(node))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    assertThatThrownBy(() -> ipmi.clean().clean(node, List.of(), true))
        .isInstanceOf(UnsupportedDriverOperationException.class);
    DriverNode unchosen = new DriverNode(UUID, "bm-1", "ipmi", Map.of(), Map.of(), Map.of());
    assertThatThrownBy(() -> ipmi.deploy().validate(unchosen))
        .isInstanceOf(UnsupportedDriverOperationException.class);
  }

  @Test
  void nodesThatChoseTheAgentInterfaces_getThem() {
    IpmiHardware ipmi = configured(dir);
    DriverNode node = node(Map.of(), Map.of("boot", "ipxe", "deploy", "direct", "raid", "agent"));

    ipmi.boot().validate(node);
    ipmi.deploy().validate(node);
    ipmi.raid()
        .validateRaidConfig(
            node, Map.of("logical_disks", List.of(Map.of("raid_level", "1", "size_gb", 100))));
    assertThatThrownBy(() -> ipmi.deploy().continueDeploy(node))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("no agent has called back");
    ipmi.clean().validate(node);
    assertThatThrownBy(
            () ->
                ipmi.clean()
                    .clean(
                        node,
                        List.of(new io.ferrum.driver.Step("raid", "create_configuration", null)),
                        false))
        .isInstanceOf(UnsupportedDriverOperationException.class)
        .hasMessageContaining("target RAID configuration");
    DriverNode noKernel =
        new DriverNode(
            UUID,
            "bm-1",
            "ipmi",
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("boot", "ipxe"),
            List.of());
    assertThatThrownBy(() -> ipmi.boot().validate(noKernel))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_kernel");
  }

  @Test
  void checkInput_refusesAHostileDeployKernel() {
    IpmiHardware ipmi = configured(dir);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("deploy_kernel", "https://192.0.2.5/k\nchain http://evil/");
    DriverNode node =
        new DriverNode(
            UUID,
            "bm-1",
            "ipmi",
            info,
            Map.of(),
            Map.of(),
            Map.of(),
            Map.of("boot", "ipxe"),
            List.of());

    assertThatThrownBy(() -> ipmi.checkInput(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_kernel");
    // A node on the default boot interface never uses it: it is stored as before.
    ipmi.checkInput(new DriverNode(UUID, "bm-1", "ipmi", info, Map.of(), Map.of()));
  }

  @Test
  void directDeploy_throughARealBmc_bootsTheRamdiskFromTheNetwork() throws Exception {
    try (IpmiSim sim = IpmiSim.startOrSkip(dir.resolve("bmc"))) {
      Path httpboot = dir.resolve("httpboot");
      IpmiHardware ipmi = configured(httpboot);
      DriverNode node =
          node(sim.driverInfo(), Map.of("boot", "ipxe", "deploy", "direct", "raid", "agent"));

      assertThat(ipmi.deploy().deploy(node)).isEqualTo(StepOutcome.WAIT);

      assertThat(sim.poweredOn()).isTrue();
      assertThat(ipmi.getBootDevice(node)).isEqualTo(BootDevice.PXE);
      assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56"))
          .content()
          .contains("kernel --name deploy_kernel https://192.0.2.5/ipa.kernel");

      ipmi.deploy().tearDown(node);

      assertThat(sim.poweredOn()).isFalse();
      assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    }
  }

  @Test
  void cleanUp_removesTheRamdiskFiles_forNodesThatDeployDirect_andOthersAreLeftAlone()
      throws Exception {
    Path httpboot = dir.resolve("httpboot");
    IpmiHardware ipmi = configured(httpboot);
    DriverNode node = node(Map.of(), Map.of("boot", "ipxe", "deploy", "direct"));
    Path copy = httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56");
    Path deleted = httpboot.resolve("pxelinux.cfg/52-54-00-00-00-09");
    java.nio.file.Files.createDirectories(copy.getParent());
    java.nio.file.Files.writeString(copy, "#!ipxe\n# ferrum node " + UUID + "\n");
    java.nio.file.Files.writeString(deleted, "#!ipxe\n# ferrum node " + UUID + "\n");

    // No BMC is needed: cleanUp leaves the power as it is.
    ipmi.deploy().cleanUp(node);

    assertThat(copy).doesNotExist();
    assertThat(deleted).as("a copy for a port deleted since").doesNotExist();
    ipmi.deploy().cleanUp(node);
    DriverNode own = node(Map.of(), Map.of("boot", "ipmi", "deploy", "ipmi"));
    ipmi.deploy().cleanUp(own);
    ipmi.clean().tearDownCleaning(own);
  }

  @Test
  void directDeployWithAnotherBootInterface_isRefused() {
    IpmiHardware ipmi = configured(dir);
    DriverNode node = node(Map.of(), Map.of("boot", "ipmi", "deploy", "direct"));

    assertThatThrownBy(() -> ipmi.deploy().validate(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThatThrownBy(() -> ipmi.clean().clean(node, List.of(), true))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_interface direct needs boot_interface ipxe");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void tearDownCleaning_throughARealBmc_powersOffAndRemovesTheFiles() throws Exception {
    try (IpmiSim sim = IpmiSim.startOrSkip(dir.resolve("bmc"))) {
      Path httpboot = dir.resolve("httpboot");
      IpmiHardware ipmi = configured(httpboot);
      DriverNode node = node(sim.driverInfo(), Map.of("boot", "ipxe", "deploy", "direct"));

      assertThat(ipmi.clean().clean(node, List.of(), true)).isEqualTo(StepOutcome.WAIT);
      assertThat(sim.poweredOn()).isTrue();

      ipmi.clean().tearDownCleaning(node);

      assertThat(sim.poweredOn()).isFalse();
      assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
      ipmi.clean().tearDownCleaning(node);
    }
  }
}
