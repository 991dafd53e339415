package io.ferrum.driver.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.ActionHandle;
import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.SynchronousWorkerPool;
import io.ferrum.driver.BootDevice;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;

/**
 * The libvirt hardware type against libvirt's built-in test driver ({@code test:///default}: no
 * daemon; its state is shared by the whole JVM, so every test defines domains with unique names).
 * Skipped with a reason where libvirt is not installed, unless {@code FERRUM_TEST_REQUIRE} contains
 * {@code libvirt} (as {@code .ci/run} sets it).
 */
class LibvirtHardwareTest {

  private static final String URI = "test:///default";

  /**
   * Held open for the whole class: the test driver frees its shared state when its last connection
   * closes (a garbage-collected Connect closes itself), which would wipe the domains.
   */
  private static Connect libvirt;

  private ConnectionPool pool;
  private Conductor conductor;
  private String domain;

  @BeforeAll
  static void requireLibvirt() {
    libvirt = TestLibvirt.connectOrSkip();
  }

  @BeforeEach
  void start() throws Exception {
    pool =
        Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", null, null, 8);
    conductor =
        Conductor.builder()
            .dataSource(pool)
            .name("libvirt-test")
            .workerPool(new SynchronousWorkerPool())
            .notificationSink(NotificationSink.none())
            .driverSetting("image-allowed-pools", "default-pool")
            .build();
    domain = "ferrum-" + UUID.randomUUID().toString().substring(0, 8);
    libvirt.domainDefineXML(
        "<domain type='test'><name>"
            + domain
            + "</name><memory unit='MiB'>2048</memory>"
            + "<vcpu>2</vcpu><os><type arch='x86_64'>hvm</type><boot dev='network'/></os>"
            + "<devices><interface type='user'><mac address='52:54:00:12:34:56'/></interface>"
            + "</devices></domain>");
  }

  @AfterEach
  void stop() throws Exception {
    conductor.close();
    pool.close();
    try {
      var d = libvirt.domainLookupByName(domain);
      if (d.isActive() == 1) {
        d.destroy();
      }
      d.undefine();
    } catch (Exception e) {
      // already gone
    }
  }

  private Node node(Map<String, Object> driverInfo) {
    return conductor.createNode(
        NodeSpec.of("libvirt", driverInfo)
            .withInstanceInfo(
                Map.of("image_source", "/var/lib/ferrum/images/" + domain + ".qcow2")));
  }

  private Map<String, Object> info() {
    return Map.of("libvirt_uri", URI, "libvirt_domain", domain);
  }

  private static Node finish(ActionHandle handle) throws Exception {
    return handle.await(Duration.ofMinutes(1));
  }

  private String xml() throws Exception {
    return libvirt.domainLookupByName(domain).getXMLDesc(0);
  }

  @Test
  void fullLifecycle_onARealLibvirtDomain() throws Exception {
    Node node = node(info());

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage")));
    assertThat(node.provisionState()).isEqualTo("manageable");
    assertThat(node.powerState()).isEqualTo("power off");

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("inspect")));
    assertThat(node.properties())
        .containsEntry("cpus", 2)
        .containsEntry("memory_mb", 2048)
        .containsEntry("cpu_arch", "x86_64");
    assertThat(node.properties().get("macs")).isEqualTo(java.util.List.of("52:54:00:12:34:56"));

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("provide")));
    assertThat(node.provisionState()).isEqualTo("available");

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("deploy")));
    assertThat(node.provisionState()).isEqualTo("active");
    assertThat(node.powerState()).isEqualTo("power on");
    assertThat(xml())
        .contains("/var/lib/ferrum/images/" + domain + ".qcow2")
        .containsPattern("<boot dev=['\"]hd['\"]/>");

    assertThat(finish(conductor.power(node.uuid(), "power off", null)).powerState())
        .isEqualTo("power off");
    assertThat(finish(conductor.power(node.uuid(), "power on", null)).powerState())
        .isEqualTo("power on");
    assertThat(finish(conductor.power(node.uuid(), "rebooting", null)).powerState())
        .isEqualTo("power on");
    assertThat(
            finish(conductor.power(node.uuid(), "soft power off", Duration.ofSeconds(10)))
                .powerState())
        .isEqualTo("power off");

    node = finish(conductor.provision(node.uuid(), ProvisionRequest.of("undeploy")));
    assertThat(node.provisionState()).isEqualTo("available");
    assertThat(node.powerState()).isEqualTo("power off");
    assertThat(xml()).doesNotContain(".qcow2").containsPattern("<boot dev=['\"]network['\"]/>");
  }

  @Test
  void manage_missingDomain_failsBackToEnroll_namingDomainAndUri() {
    Node node = node(Map.of("libvirt_uri", URI, "libvirt_domain", "no-such-" + domain));

    assertThatThrownBy(
            () -> finish(conductor.provision(node.uuid(), ProvisionRequest.of("manage"))))
        .isInstanceOf(ExecutionException.class);

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("enroll");
    assertThat(after.lastError())
        .contains("libvirt domain \"no-such-" + domain + "\" at " + URI)
        .contains("no such domain")
        .contains("VIR_ERR_NO_DOMAIN");
  }

  @Test
  void deploy_withoutImage_failsWithAClearReason() throws Exception {
    Node node = conductor.createNode(NodeSpec.of("libvirt", info()).withInitialState("available"));

    assertThatThrownBy(
            () -> finish(conductor.provision(node.uuid(), ProvisionRequest.of("deploy"))))
        .isInstanceOf(ExecutionException.class);

    assertThat(conductor.getNode(node.uuid()).lastError())
        .contains("instance_info.image_source is missing");
  }

  @Test
  void bootDevice_runningDomain_reportsTheNextBoot() {
    LibvirtHardware libvirt = new LibvirtHardware();
    DriverNode node =
        new DriverNode(UUID.randomUUID().toString(), null, "libvirt", info(), Map.of(), Map.of());
    libvirt.setPowerState(node, DriverPowerState.POWER_ON, false, Duration.ZERO);

    libvirt.setBootDevice(node, BootDevice.DISK, true);

    assertThat(libvirt.getBootDevice(node)).isEqualTo(BootDevice.DISK);
  }

  @Test
  void driver_directly_bootDeviceAndValidation() {
    LibvirtHardware libvirt = new LibvirtHardware();
    DriverNode node =
        new DriverNode(UUID.randomUUID().toString(), null, "libvirt", info(), Map.of(), Map.of());

    assertThat(libvirt.getBootDevice(node)).isEqualTo(BootDevice.PXE);
    libvirt.setBootDevice(node, BootDevice.CDROM, false);
    assertThat(libvirt.getBootDevice(node)).isEqualTo(BootDevice.CDROM);
    assertThat(libvirt.getPowerState(node)).isEqualTo(DriverPowerState.POWER_OFF);
    assertThatThrownBy(
            () ->
                libvirt.validate(
                    new DriverNode(
                        "u", null, "libvirt", Map.of("libvirt_uri", URI), Map.of(), Map.of())))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage("driver_info is missing \"libvirt_domain\", which the libvirt driver needs");
    assertThatThrownBy(
            () ->
                libvirt.validate(
                    new DriverNode(
                        "u",
                        null,
                        "libvirt",
                        Map.of(
                            "libvirt_uri",
                            URI,
                            "libvirt_domain",
                            "d",
                            "libvirt_sasl_username",
                            "me"),
                        Map.of(),
                        Map.of())))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessage(
            "driver_info needs both libvirt_sasl_username and libvirt_sasl_password, or neither");
  }

  @Test
  void noDaemon_isAConnectionErrorWithAHint() {
    LibvirtHardware libvirt = new LibvirtHardware();
    libvirt.configure(
        DriverSettings.of(
            Map.of("libvirt-allowed-uris", "qemu+unix:///system?socket=/nonexistent/ferrum.sock")));
    DriverNode node =
        new DriverNode(
            "u",
            null,
            "libvirt",
            Map.of(
                "libvirt_uri",
                "qemu+unix:///system?socket=/nonexistent/ferrum.sock",
                "libvirt_domain",
                "x"),
            Map.of(),
            Map.of());

    assertThatThrownBy(() -> libvirt.getPowerState(node))
        .isInstanceOf(DriverException.class)
        .hasMessageContaining("cannot talk to libvirt: is the daemon running");
  }

  @Test
  void imagePathFromUsers_cannotInjectXml() throws Exception {
    LibvirtHardware libvirt = new LibvirtHardware();
    libvirt.configure(DriverSettings.of(Map.of("image-allowed-dirs", "/tmp")));
    String evil = "/tmp/a'\"><devices><disk/></devices><x y='";
    DriverNode node =
        new DriverNode(
            UUID.randomUUID().toString(),
            null,
            "libvirt",
            info(),
            Map.of("image_source", evil),
            Map.of());

    libvirt.prepareInstance(node);

    String xml = xml();
    assertThat(xml).doesNotContain("<x y=").contains("&lt;devices&gt;");
    libvirt.cleanUpInstance(node);
    assertThat(xml()).doesNotContain("/tmp/a'");
  }

  @Test
  void deploy_fromALibvirtVolume_attachesTheVolumesPath() throws Exception {
    String volume = domain + ".img";
    libvirt
        .storagePoolLookupByName("default-pool")
        .storageVolCreateXML(
            "<volume><name>" + volume + "</name><capacity unit='M'>10</capacity></volume>", 0);
    Node node =
        conductor.createNode(
            NodeSpec.of("libvirt", info())
                .withInitialState("available")
                .withInstanceInfo(Map.of("image_source", "default-pool/" + volume)));

    Node active = finish(conductor.provision(node.uuid(), ProvisionRequest.of("deploy")));

    assertThat(active.provisionState()).isEqualTo("active");
    assertThat(xml()).contains("/default-pool/" + volume);
    finish(conductor.provision(node.uuid(), ProvisionRequest.of("undeploy")));
    assertThat(xml()).doesNotContain(volume);
    libvirt.storagePoolLookupByName("default-pool").storageVolLookupByName(volume).delete(0);
  }

  @Test
  void imageSource_url_isRefusedEvenWhenItsSchemeIsAllowed() {
    LibvirtHardware libvirt = new LibvirtHardware();
    DriverNode node =
        new DriverNode(
            UUID.randomUUID().toString(),
            null,
            "libvirt",
            info(),
            Map.of("image_source", "https://x/y.img"),
            Map.of());

    assertThatThrownBy(() -> libvirt.prepareInstance(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining(
            "instance_info.image_source \"https://x/y.img\" is not allowed: URL scheme \"https\""
                + " is not in image-allowed-url-schemes");
    libvirt.configure(DriverSettings.of(Map.of("image-allowed-url-schemes", "https")));
    assertThatThrownBy(() -> libvirt.prepareInstance(node))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining("the libvirt driver fetches no URLs");
  }
}
