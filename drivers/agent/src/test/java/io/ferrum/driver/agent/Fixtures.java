package io.ferrum.driver.agent;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Nodes and settings shared by the tests. */
final class Fixtures {

  static final String UUID = "1be26c0b-03f2-4d2e-ae87-c02d7f33c123";
  static final String MAC = "52:54:00:12:34:56";
  static final String MAC2 = "52:54:00:ab:cd:ef";
  static final String KERNEL = "http://192.0.2.5/ipa.kernel";
  static final String RAMDISK = "http://192.0.2.5/ipa.initramfs";
  static final String IMAGE = "https://images.example.com/disks/focal.qcow2";
  static final String SHA256 = "a".repeat(64);

  private Fixtures() {}

  static DriverSettings settings(Path httpboot) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("httpboot-dir", httpboot.toString());
    values.put("agent-api-url", "http://192.0.2.1:6385");
    values.put("agent-allowed-networks", "127.0.0.1/32");
    values.put("image-allowed-url-schemes", "http,https");
    return DriverSettings.of(values);
  }

  static Map<String, Object> driverInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("deploy_kernel", KERNEL);
    info.put("deploy_ramdisk", RAMDISK);
    return info;
  }

  static Map<String, Object> instanceInfo() {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("image_source", IMAGE);
    info.put("image_os_hash_algo", "sha256");
    info.put("image_os_hash_value", SHA256);
    info.put("image_disk_format", "qcow2");
    return info;
  }

  static Map<String, String> agentChoices() {
    return Map.of("boot", "ipxe", "deploy", "direct", "raid", "agent");
  }

  static DriverNode node(
      Map<String, Object> driverInfo,
      Map<String, Object> instanceInfo,
      Map<String, Object> internal,
      List<String> macs) {
    return new DriverNode(
        UUID, "bm-1", "ipmi", driverInfo, instanceInfo, Map.of(), internal, agentChoices(), macs);
  }

  static DriverNode node() {
    return node(driverInfo(), instanceInfo(), Map.of(), List.of(MAC, MAC2));
  }

  static DriverNode called(DriverNode node, String agentUrl) {
    return new DriverNode(
        node.uuid(),
        node.name(),
        node.driver(),
        node.driverInfo(),
        node.instanceInfo(),
        node.properties(),
        Map.of("agent_url", agentUrl, "agent_secret_token", FakeAgent.TOKEN),
        node.interfaces(),
        node.macs());
  }

  static Map<String, Object> with(Map<String, Object> map, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(map);
    if (value == null) {
      copy.remove(key);
    } else {
      copy.put(key, value);
    }
    return copy;
  }
}
