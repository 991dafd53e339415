package io.ferrum.driver.agent;

import static io.ferrum.driver.agent.Fixtures.KERNEL;
import static io.ferrum.driver.agent.Fixtures.RAMDISK;
import static io.ferrum.driver.agent.Fixtures.UUID;
import static io.ferrum.driver.agent.Fixtures.driverInfo;
import static io.ferrum.driver.agent.Fixtures.instanceInfo;
import static io.ferrum.driver.agent.Fixtures.node;
import static io.ferrum.driver.agent.Fixtures.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpxeBootTest {

  @TempDir Path httpboot;

  private IpxeBoot boot() {
    return new IpxeBoot(AgentSettings.from(Fixtures.settings(httpboot)));
  }

  private static DriverNode withKernel(String kernel) {
    return node(
        with(driverInfo(), "deploy_kernel", kernel),
        instanceInfo(),
        Map.of(),
        List.of(Fixtures.MAC));
  }

  @Test
  void prepareRamdisk_writesTheNodeScriptItsMacCopiesAndTheEntryScript() throws IOException {
    boot().prepareRamdisk(node());

    String expected =
        "#!ipxe\n"
            + "\n"
            + ":deploy\n"
            + "imgfree\n"
            + "kernel --name deploy_kernel "
            + KERNEL
            + " ipa-api-url=http://192.0.2.1:6385 BOOTIF=${mac} initrd=deploy_ramdisk"
            + " || goto retry\n"
            + "initrd --name deploy_ramdisk "
            + RAMDISK
            + " || goto retry\n"
            + "boot || goto retry\n"
            + "\n"
            + ":retry\n"
            + "echo Loading the deploy ramdisk failed, retrying in 10 seconds\n"
            + "sleep 10\n"
            + "goto deploy\n";
    assertThat(httpboot.resolve(UUID).resolve("config")).hasContent(expected);
    String marked = expected.replaceFirst("\n", "\n# ferrum node " + UUID + "\n");
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).hasContent(marked);
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-ab-cd-ef")).hasContent(marked);
    assertThat(Files.readString(httpboot.resolve("boot.ipxe")))
        .startsWith("#!ipxe\n")
        .contains("chain pxelinux.cfg/${mac:hexhyp} || goto none\n");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56"))))
        .as("the operator's HTTP server runs as another user")
        .isEqualTo("rw-r--r--");
    try (Stream<Path> files = Files.walk(httpboot)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> httpboot.relativize(p).toString()))
          .containsExactlyInAnyOrder(
              UUID + "/config",
              "pxelinux.cfg/52-54-00-12-34-56",
              "pxelinux.cfg/52-54-00-ab-cd-ef",
              "boot.ipxe");
    }
  }

  @Test
  void cleanUpRamdisk_removesTheNodesFilesAndKeepsTheEntryScript() throws IOException {
    IpxeBoot boot = boot();
    boot.prepareRamdisk(node());
    Files.writeString(httpboot.resolve("pxelinux.cfg/52-54-00-00-00-01"), "another node");

    boot.cleanUpRamdisk(node());
    boot.cleanUpRamdisk(node());

    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-12-34-56")).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-ab-cd-ef")).doesNotExist();
    assertThat(httpboot.resolve("pxelinux.cfg/52-54-00-00-00-01")).hasContent("another node");
    assertThat(httpboot.resolve("boot.ipxe")).exists();
  }

  @Test
  void cleanUpRamdisk_removesCopiesForPortsDeletedSince_onlyByTheNodesMarker() throws IOException {
    IpxeBoot boot = boot();
    boot.prepareRamdisk(node());
    Path pxelinux = httpboot.resolve("pxelinux.cfg");
    String marker = "#!ipxe\n# ferrum node " + UUID + "\n";
    // Another node's copy, a link to one of this node's copies, and an oversized file are kept.
    Files.writeString(
        pxelinux.resolve("52-54-00-00-00-01"),
        "#!ipxe\n# ferrum node 2be26c0b-03f2-4d2e-ae87-c02d7f33c123\n");
    Path outside = Files.writeString(httpboot.resolve("outside"), marker);
    Files.createSymbolicLink(pxelinux.resolve("52-54-00-00-00-02"), outside);
    Files.writeString(
        pxelinux.resolve("52-54-00-00-00-03"),
        "#!ipxe\n" + "#".repeat(IpxeBoot.MAX_MARKED_SIZE) + "\n# ferrum node " + UUID + "\n");
    // The port with MAC2 was deleted while the ramdisk was prepared.
    DriverNode portDeleted = node(driverInfo(), instanceInfo(), Map.of(), List.of(Fixtures.MAC));

    boot.cleanUpRamdisk(portDeleted);

    assertThat(pxelinux.resolve("52-54-00-12-34-56")).doesNotExist();
    assertThat(pxelinux.resolve("52-54-00-ab-cd-ef")).doesNotExist();
    assertThat(httpboot.resolve(UUID)).doesNotExist();
    assertThat(pxelinux.resolve("52-54-00-00-00-01")).exists();
    assertThat(Files.isSymbolicLink(pxelinux.resolve("52-54-00-00-00-02"))).isTrue();
    assertThat(outside).hasContent(marker);
    assertThat(pxelinux.resolve("52-54-00-00-00-03")).exists();
  }

  @Test
  void cleanUpRamdisk_withNothingToUndo_doesNotFail() {
    // Every port deleted, nothing ever written, no directory configured.
    boot().cleanUpRamdisk(node(driverInfo(), instanceInfo(), Map.of(), List.of()));
    boot().cleanUpRamdisk(node());
    new IpxeBoot(AgentSettings.from(DriverSettings.none())).cleanUpRamdisk(node());
    assertThat(httpboot).isEmptyDirectory();
  }

  @Test
  void validate_refusesWhenNoAgentNetworkIsAllowed() {
    IpxeBoot noNetworks =
        new IpxeBoot(
            AgentSettings.from(
                DriverSettings.of(
                    Map.of(
                        "httpboot-dir",
                        httpboot.toString(),
                        "agent-api-url",
                        "http://192.0.2.1:6385",
                        "image-allowed-url-schemes",
                        "http"))));

    assertThatThrownBy(() -> noNetworks.validate(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("ferrum serve --agent-allowed-networks");
    boot().validate(node());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://192.0.2.5/ipa.kernel\nchain http://evil/x",
        "http://192.0.2.5/${net0/mac}",
        "http://192.0.2.5/a b",
        "http://192.0.2.5/a\"b",
        "http://192.0.2.5/a'b",
        "http://192.0.2.5/a#b",
        "http://192.0.2.5/a;shell",
        "http://192.0.2.5/a||b",
        "http://192.0.2.5/a&&b",
        "http://192.0.2.5/\u00e9"
      })
  void hostileKernelUrls_areRefusedBeforeAnyFileIsWritten(String kernel) throws IOException {
    IpxeBoot boot = boot();
    DriverNode node = withKernel(kernel);

    assertThatThrownBy(() -> boot.validate(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("driver_info.deploy_kernel")
        .hasMessageContaining("iPXE script");
    assertThatThrownBy(() -> boot.prepareRamdisk(node))
        .isInstanceOf(InvalidDriverInfoException.class);
    try (Stream<Path> files = Files.list(httpboot)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void kernelUrl_mustBeHttpAndAllowedByTheImageAllowlist() {
    assertThatThrownBy(() -> boot().validate(withKernel("ftp://192.0.2.5/k")))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("http or https");
    IpxeBoot httpsOnly =
        new IpxeBoot(
            AgentSettings.from(
                DriverSettings.of(
                    Map.of(
                        "httpboot-dir", httpboot.toString(),
                        "agent-api-url", "http://192.0.2.1:6385",
                        "agent-allowed-networks", "127.0.0.1/32",
                        "image-allowed-url-schemes", "https"))));
    assertThatThrownBy(() -> httpsOnly.validate(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("image-allowed-url-schemes");
  }

  @Test
  void validate_namesWhatIsMissing() {
    assertThatThrownBy(
            () ->
                boot()
                    .validate(
                        node(
                            with(driverInfo(), "deploy_ramdisk", null),
                            instanceInfo(),
                            Map.of(),
                            List.of(Fixtures.MAC))))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("deploy_ramdisk");
    assertThatThrownBy(
            () -> boot().validate(node(driverInfo(), instanceInfo(), Map.of(), List.of())))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("no port");
    IpxeBoot unset = new IpxeBoot(AgentSettings.from(DriverSettings.none()));
    assertThatThrownBy(() -> unset.validate(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("ferrum serve --httpboot-dir");
    IpxeBoot noApi =
        new IpxeBoot(
            AgentSettings.from(
                DriverSettings.of(
                    Map.of(
                        "httpboot-dir",
                        httpboot.toString(),
                        "image-allowed-url-schemes",
                        "http"))));
    assertThatThrownBy(() -> noApi.validate(node()))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("ferrum serve --agent-api-url");
  }

  @Test
  void fileNames_comeOnlyFromAValidUuidAndValidMacs() throws IOException {
    DriverNode badUuid =
        new DriverNode(
            "../../etc",
            "bm-1",
            "ipmi",
            driverInfo(),
            instanceInfo(),
            Map.of(),
            Map.of(),
            Fixtures.agentChoices(),
            List.of(Fixtures.MAC));
    assertThatThrownBy(() -> boot().prepareRamdisk(badUuid))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("UUID");
    DriverNode badMac =
        node(driverInfo(), instanceInfo(), Map.of(), List.of("52:54:00:12:34:56/../../x"));
    assertThatThrownBy(() -> boot().prepareRamdisk(badMac))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("not a MAC address");
    try (Stream<Path> files = Files.list(httpboot)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aSymbolicLinkInPlaceOfTheNodeDirectory_isRefused() throws IOException {
    Path elsewhere = Files.createDirectory(httpboot.resolve("elsewhere"));
    Files.createSymbolicLink(httpboot.resolve(UUID), elsewhere);

    assertThatThrownBy(() -> boot().prepareRamdisk(node()))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("symbolic link");
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void settings_refuseUnusableValues() {
    assertThatThrownBy(
            () -> AgentSettings.from(DriverSettings.of(Map.of("httpboot-dir", "rel/dir"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("httpboot-dir");
    assertThatThrownBy(
            () ->
                AgentSettings.from(
                    DriverSettings.of(Map.of("agent-api-url", "http://192.0.2.1:6385/${x}"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agent-api-url");
  }
}
