package io.ferrum.driver.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.conductor.Conductor;
import io.ferrum.conductor.ConnectionPool;
import io.ferrum.conductor.Databases;
import io.ferrum.conductor.HistoryEvent;
import io.ferrum.conductor.InterfaceValidation;
import io.ferrum.conductor.InvalidParameterException;
import io.ferrum.conductor.Node;
import io.ferrum.conductor.NodeSpec;
import io.ferrum.conductor.NotificationSink;
import io.ferrum.conductor.PatchOperation;
import io.ferrum.conductor.ProvisionRequest;
import io.ferrum.conductor.SynchronousWorkerPool;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.InvalidDriverInfoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing from a node reaches the conductor's host unless the operator allowed it: libvirt URIs
 * that run programs, read files or name key files, and image paths outside the allowed directories,
 * are refused at create, update, validate and use; errors never quote what libvirt read.
 */
class LibvirtHostAccessTest {

  private static final String SECRET = "TOPSECRET-first-line";

  @TempDir Path dir;
  private String database;
  private final List<ConnectionPool> pools = new ArrayList<>();
  private final List<Conductor> conductors = new ArrayList<>();
  private Path secretFile;

  @BeforeAll
  static void requireLibvirt() {
    TestLibvirt.connectOrSkip();
  }

  @BeforeEach
  void files() throws Exception {
    database = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    secretFile = dir.resolve("secret.txt");
    Files.writeString(secretFile, SECRET + "\nsecond line\n");
  }

  @AfterEach
  void stop() {
    conductors.forEach(Conductor::close);
    pools.forEach(ConnectionPool::close);
  }

  /** A conductor on this test's database, with the operator's settings {@code settings}. */
  private Conductor conductor(String name, Consumer<Conductor.Builder> settings) {
    ConnectionPool pool = Databases.pooled(database, null, null, 4);
    pools.add(pool);
    Conductor.Builder builder =
        Conductor.builder()
            .dataSource(pool)
            .name(name)
            .workerPool(new SynchronousWorkerPool())
            .notificationSink(NotificationSink.none())
            .timeoutCheckInterval(Duration.ZERO)
            .powerSyncInterval(Duration.ZERO);
    settings.accept(builder);
    Conductor conductor = builder.build();
    conductors.add(conductor);
    return conductor;
  }

  private static NodeSpec libvirtNode(String uri) {
    return NodeSpec.of("libvirt", Map.of("libvirt_uri", uri, "libvirt_domain", "d"));
  }

  private static DriverNode driverNode(String uri) {
    return new DriverNode(
        "u",
        null,
        "libvirt",
        Map.of("libvirt_uri", uri, "libvirt_domain", "d"),
        Map.of(),
        Map.of());
  }

  @Test
  void extTransportCommand_isRefusedEverywhere_andNeverRuns() throws Exception {
    Path marker = dir.resolve("ran");
    Path script = dir.resolve("x.sh");
    Files.writeString(script, "#!/bin/sh\ntouch " + marker + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    String uri = "qemu+ext:///system?command=" + script;
    Conductor conductor = conductor("c1", b -> {});

    assertThatThrownBy(() -> conductor.createNode(libvirtNode(uri)))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessageContaining("driver_info.libvirt_uri \"" + uri + "\" is not allowed")
        .hasMessageContaining("libvirt-allowed-uris");
    assertThatThrownBy(() -> new LibvirtHardware().getPowerState(driverNode(uri)))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThat(marker).doesNotExist();
  }

  @Test
  void commandParameter_onAnAllowedEndpoint_isRefusedUnlessPinned() {
    LibvirtHardware libvirt = new LibvirtHardware();
    libvirt.configure(
        DriverSettings.of(
            Map.of(
                "libvirt-allowed-uris",
                "qemu+ssh://hv1.example/system,qemu+ssh://hv2.example/system?keyfile=/etc/ferrum/id")));

    assertThatThrownBy(
            () ->
                libvirt.checkInput(driverNode("qemu+ssh://hv1.example/system?keyfile=/etc/shadow")))
        .isInstanceOf(InvalidDriverInfoException.class)
        .hasMessageContaining(
            "parameter \"keyfile\" is not in libvirt-allowed-uri-params (empty) and not pinned");
    assertThatThrownBy(
            () ->
                libvirt.checkInput(driverNode("qemu+ssh://hv2.example/system?keyfile=/etc/shadow")))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThatThrownBy(() -> libvirt.checkInput(driverNode("qemu+ssh://hv3.example/system")))
        .hasMessageContaining("it matches no entry of libvirt-allowed-uris");
    libvirt.checkInput(driverNode("qemu+ssh://hv1.example/system"));
    libvirt.checkInput(driverNode("qemu+ssh://hv2.example/system?keyfile=/etc/ferrum/id"));
  }

  @Test
  void testDriverFileUris_areRefusedAtCreatePatchValidateAndUse() {
    Conductor strict = conductor("strict", b -> {});
    Node good = strict.createNode(libvirtNode("test:///default"));
    List<String> hostile =
        List.of(
            "test://" + secretFile,
            "test:///../../.." + secretFile,
            "test:///etc/shadow",
            "test:///default/../../etc/shadow",
            "test:///%2e%2e/etc/shadow");

    for (String uri : hostile) {
      assertThatThrownBy(() -> strict.createNode(libvirtNode(uri)))
          .as(uri)
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("is not allowed");
      assertThatThrownBy(
              () ->
                  strict.updateNode(
                      good.uuid(),
                      List.of(PatchOperation.replace("/driver_info/libvirt_uri", uri))))
          .as(uri)
          .isInstanceOf(InvalidParameterException.class);
      assertThatThrownBy(() -> new LibvirtHardware().getPowerState(driverNode(uri)))
          .as(uri)
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageNotContaining(SECRET);
    }
    assertThat(strict.getNode(good.uuid()).driverInfo())
        .containsEntry("libvirt_uri", "test:///default");

    // A node stored while the operator allowed the file (or before the allowlist existed):
    Conductor lenient =
        conductor("lenient", b -> b.driverSetting("libvirt-allowed-uris", "test://" + secretFile));
    Node stored = lenient.createNode(libvirtNode("test://" + secretFile));
    Map<String, InterfaceValidation> validation = strict.validate(stored.uuid());
    for (String driven : io.ferrum.driver.HardwareInterfaces.DRIVEN) {
      assertThat(validation.get(driven).result()).as(driven).isFalse();
      assertThat(validation.get(driven).reason()).as(driven).contains("libvirt-allowed-uris");
    }
  }

  @Test
  void allowedFileUri_failingManage_neverEchoesTheFile() throws Exception {
    Conductor conductor =
        conductor("c1", b -> b.driverSetting("libvirt-allowed-uris", "test://" + secretFile));
    Node node = conductor.createNode(libvirtNode("test://" + secretFile));

    try {
      conductor.provision(node.uuid(), ProvisionRequest.of("manage")).await(Duration.ofMinutes(1));
    } catch (java.util.concurrent.ExecutionException expected) {
      // the file is not a libvirt test driver XML: manage fails
    }

    Node after = conductor.getNode(node.uuid());
    assertThat(after.provisionState()).isEqualTo("enroll");
    assertThat(after.lastError()).contains("test://" + secretFile).doesNotContain(SECRET);
    assertThat(conductor.history(node.uuid()))
        .extracting(HistoryEvent::message)
        .noneMatch(message -> message != null && message.contains(SECRET));
  }

  @Test
  void imageSourceOutsideAllowedDirectories_isRefusedAtCreatePatchAndUse() {
    Conductor conductor = conductor("c1", b -> {});
    Node node = conductor.createNode(libvirtNode("test:///default"));

    for (String image :
        List.of("/etc/shadow", "/var/lib/ferrum/images/../../../etc/shadow", "pool/vol")) {
      assertThatThrownBy(
              () ->
                  conductor.createNode(
                      libvirtNode("test:///default")
                          .withInstanceInfo(Map.of("image_source", image))))
          .as(image)
          .isInstanceOf(InvalidParameterException.class)
          .hasMessageContaining("instance_info.image_source")
          .hasMessageContaining("is not allowed");
      assertThatThrownBy(
              () ->
                  conductor.updateNode(
                      node.uuid(),
                      List.of(PatchOperation.add("/instance_info/image_source", image))))
          .as(image)
          .isInstanceOf(InvalidParameterException.class);
      DriverNode use =
          new DriverNode(
              "u",
              null,
              "libvirt",
              Map.of("libvirt_uri", "test:///default", "libvirt_domain", "d"),
              Map.of("image_source", image),
              Map.of());
      assertThatThrownBy(() -> new LibvirtHardware().prepareInstance(use))
          .as(image)
          .isInstanceOf(InvalidDriverInfoException.class);
    }
    assertThat(conductor.getNode(node.uuid()).instanceInfo()).isEmpty();
  }
}
