package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ironic's own client, unchanged, drives Ferrum: the Debian {@code baremetal} command (packages
 * python3-ironicclient and python3-openstackclient) against a live API server, through the node
 * lifecycle and every other endpoint Ferrum serves. Skipped with a reason when the command is
 * missing, unless {@code FERRUM_TEST_REQUIRE} contains {@code baremetal} (as {@code .ci/run} sets
 * it).
 */
class BaremetalClientCompatibilityTest {

  private static void requireClient() {
    boolean installed = onPath("baremetal");
    String require = System.getenv().getOrDefault("FERRUM_TEST_REQUIRE", "");
    if (!installed && require.toLowerCase(Locale.ROOT).contains("baremetal")) {
      throw new IllegalStateException("the baremetal command is required here but not installed");
    }
    assumeTrue(
        installed,
        "baremetal client not installed (Debian: apt-get install python3-ironicclient"
            + " python3-openstackclient); compatibility test skipped");
  }

  @Test
  void baremetalCli_drivesAFakeNodeThroughItsLifecycle() throws Exception {
    requireClient();
    try (TestServer api = new TestServer()) {
      String uuid = createNode(api, "compat-1", "-f", "value", "-c", "uuid").trim();
      assertThat(uuid).hasSize(36);
      assertThat(show(api, "provision_state")).isEqualTo("enroll");
      run(api, "node", "manage", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("manageable");
      run(api, "node", "provide", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("available");
      run(
          api,
          "node",
          "deploy",
          "--wait",
          "60",
          "--config-drive",
          "{\"meta_data\": {\"hostname\": \"CompatConfigDrive\"}}",
          "--deploy-steps",
          "[{\"interface\": \"deploy\", \"step\": \"write_image\", \"args\": {},"
              + " \"priority\": 80}]",
          "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("active");
      assertThat(show(api, "instance_info"))
          .contains("'configdrive': '******'")
          .doesNotContain("CompatConfigDrive");
      assertThat(show(api, "driver_internal_info")).contains("write_image");
      run(api, "node", "power", "off", "compat-1");
      awaitPower(api, "power off");
      run(api, "node", "power", "on", "compat-1");
      awaitPower(api, "power on");
      run(api, "node", "undeploy", "--wait", "60", "compat-1");
      assertThat(show(api, "provision_state")).isEqualTo("available");
      assertThat(run(api, "node", "list", "-f", "value", "-c", "Name")).contains("compat-1");
      run(api, "node", "delete", "compat-1");
      assertThat(run(api, "node", "list", "-f", "value", "-c", "Name")).doesNotContain("compat-1");
    }
  }

  @Test
  void baremetalCli_usesEveryOtherEndpointFerrumServes() throws Exception {
    requireClient();
    try (TestServer api = new TestServer()) {
      String node =
          createNode(
                  api,
                  "compat-2",
                  "--resource-class",
                  "gold",
                  "--boot-interface",
                  "fake",
                  "-f",
                  "value",
                  "-c",
                  "uuid")
              .trim();
      // Node fields, with the booleans the client sends as strings.
      run(api, "node", "set", "compat-2", "--owner", "team-a", "--description", "rack 4");
      run(api, "node", "set", "compat-2", "--retired", "--retired-reason", "old");
      assertThat(value(api, "node", "show", "compat-2", "-c", "retired")).isEqualTo("True");
      run(api, "node", "unset", "compat-2", "--retired");
      assertThat(value(api, "node", "show", "compat-2", "-c", "owner")).isEqualTo("team-a");
      assertThat(value(api, "node", "list", "--resource-class", "gold", "-c", "Name"))
          .isEqualTo("compat-2");
      assertThat(value(api, "node", "list", "--owner", "team-b", "-c", "Name")).isEmpty();

      // Conductor groups, given at create and filtered on in any case.
      createNode(api, "compat-3", "--conductor-group", "Rack-A");
      assertThat(value(api, "node", "list", "--conductor-group", "RACK-A", "-c", "Name"))
          .isEqualTo("compat-3");
      assertThat(value(api, "node", "show", "compat-3", "-c", "conductor_group"))
          .isEqualTo("rack-a");
      run(api, "node", "delete", "compat-3");
      assertThat(fails(api, "node", "list", "--fault", "power failure"))
          .contains("Ferrum does not filter nodes by \"fault\"");

      // Traits.
      run(api, "node", "add", "trait", "compat-2", "CUSTOM_GPU", "HW_CPU_X86_VMX");
      assertThat(value(api, "node", "trait", "list", "compat-2"))
          .isEqualTo("CUSTOM_GPU\nHW_CPU_X86_VMX");
      run(api, "node", "remove", "trait", "compat-2", "CUSTOM_GPU");
      assertThat(value(api, "node", "show", "compat-2", "-c", "traits"))
          .isEqualTo("['HW_CPU_X86_VMX']");
      assertThat(fails(api, "node", "add", "trait", "compat-2", "lower_case"))
          .contains("Invalid trait");

      // Boot device and NMI.
      run(api, "node", "boot", "device", "set", "compat-2", "disk", "--persistent");
      assertThat(value(api, "node", "boot", "device", "show", "compat-2", "-c", "boot_device"))
          .isEqualTo("disk");
      assertThat(value(api, "node", "boot", "device", "show", "--supported", "compat-2"))
          .contains("pxe");
      run(api, "node", "inject", "nmi", "compat-2");

      // Ports and port groups.
      String group =
          value(api, "port", "group", "create", "--node", node, "--name", "bond0", "-c", "uuid");
      String port =
          value(
              api,
              "port",
              "create",
              "52:54:00:12:34:56",
              "--node",
              node,
              "--port-group",
              group,
              "--local-link-connection",
              "switch_id=0a:1b:2c:3d:4e:5f",
              "--local-link-connection",
              "port_id=Ethernet3/1",
              "-c",
              "uuid");
      assertThat(value(api, "port", "list", "--node", node, "-c", "Address"))
          .isEqualTo("52:54:00:12:34:56");
      assertThat(value(api, "port", "list", "--address", "52:54:00:12:34:56", "-c", "UUID"))
          .isEqualTo(port);
      run(api, "port", "set", port, "--extra", "rack=r4", "--pxe-enabled");
      assertThat(value(api, "port", "show", port, "-c", "extra")).contains("r4");
      assertThat(fails(api, "port", "create", "52:54:00:12:34:56", "--node", node))
          .contains("already exists");
      assertThat(value(api, "port", "group", "list", "-c", "Name")).isEqualTo("bond0");
      run(api, "port", "delete", port);
      run(api, "port", "group", "delete", "bond0");

      // History, drivers, validation.
      run(api, "node", "manage", "--wait", "60", "compat-2");
      String event = value(api, "node", "history", "list", "compat-2", "-c", "UUID").split("\n")[0];
      assertThat(value(api, "node", "history", "get", "compat-2", event, "-c", "event_type"))
          .isNotEmpty();
      assertThat(run(api, "node", "history", "list", "--long", "compat-2")).contains("api-test");
      assertThat(run(api, "driver", "property", "list", "fake-hardware")).contains("fake_fail");
      assertThat(run(api, "driver", "list", "--long")).contains("no-raid");
      assertThat(value(api, "node", "validate", "compat-2", "-c", "Interface"))
          .isEqualTo(
              "bios\nboot\nconsole\ndeploy\ninspect\nmanagement\nnetwork\npower\nraid\n"
                  + "rescue\nstorage");

      // What Ferrum does not implement says so.
      assertThat(fails(api, "chassis", "list")).contains("Ferrum does not implement");
      assertThat(fails(api, "volume", "connector", "list")).contains("Ferrum does not implement");

      run(api, "port", "create", "52:54:00:12:34:57", "--node", node);
      run(api, "node", "delete", "compat-2");
      assertThat(value(api, "port", "list", "-c", "UUID")).as("ports go with the node").isEmpty();
    }
  }

  @Test
  void baremetalCli_allocatesANode_andFreesIt() throws Exception {
    requireClient();
    try (TestServer api = new TestServer()) {
      String node =
          createNode(api, "compat-4", "--resource-class", "silver", "-c", "uuid", "-f", "value")
              .trim();
      run(api, "node", "manage", "--wait", "60", "compat-4");
      run(api, "node", "provide", "--wait", "60", "compat-4");
      run(api, "node", "power", "off", "compat-4");
      run(api, "node", "add", "trait", "compat-4", "CUSTOM_COMPAT");

      String allocation =
          value(
              api,
              "allocation",
              "create",
              "--resource-class",
              "silver",
              "--trait",
              "CUSTOM_COMPAT",
              "--name",
              "compat-alloc",
              "--wait",
              "60",
              "-c",
              "uuid");
      assertThat(value(api, "allocation", "show", "compat-alloc", "-c", "node_uuid"))
          .isEqualTo(node);
      assertThat(value(api, "allocation", "show", allocation, "-c", "state")).isEqualTo("active");
      assertThat(value(api, "node", "show", "compat-4", "-c", "allocation_uuid"))
          .isEqualTo(allocation);
      assertThat(value(api, "node", "show", "compat-4", "-c", "instance_uuid"))
          .isEqualTo(allocation);
      assertThat(value(api, "allocation", "list", "--state", "active", "-c", "UUID"))
          .isEqualTo(allocation);
      assertThat(fails(api, "allocation", "create", "--resource-class", "silver", "--wait", "60"))
          .contains("no available nodes match the resource class silver");
      assertThat(value(api, "allocation", "list", "--state", "error", "-c", "UUID")).hasSize(36);

      run(api, "allocation", "delete", "compat-alloc");
      assertThat(value(api, "node", "show", "compat-4", "-c", "allocation_uuid")).isEqualTo("None");
      assertThat(value(api, "allocation", "list", "--state", "active", "-c", "UUID")).isEmpty();
    }
  }

  @Test
  void baremetalCli_setsShowsAndUnsetsTheTargetRaidConfig(@TempDir Path dir) throws Exception {
    requireClient();
    String config =
        "{\"logical_disks\": [{\"size_gb\": \"MAX\", \"raid_level\": \"1\","
            + " \"is_root_volume\": true}, {\"size_gb\": 100, \"raid_level\": \"5\","
            + " \"disk_type\": \"hdd\"}]}";
    Path file = dir.resolve("raid.json");
    Files.writeString(file, config, StandardCharsets.UTF_8);
    try (TestServer api = new TestServer()) {
      createNode(api, "compat-raid", "--raid-interface", "fake");

      run(api, "node", "set", "compat-raid", "--target-raid-config", file.toString());

      JsonNode shown =
          TestServer.JSON.readTree(run(api, "node", "show", "compat-raid", "-f", "json"));
      assertThat(shown.get("target_raid_config")).isEqualTo(TestServer.JSON.readTree(config));
      assertThat(shown.get("raid_config").toString()).isEqualTo("{}");
      assertThat(api.conductor().getNode("compat-raid").targetRaidConfig().get("logical_disks"))
          .asList()
          .hasSize(2);

      run(api, "node", "unset", "compat-raid", "--target-raid-config");

      String properties =
          run(api, "driver", "raid", "property", "list", "fake-hardware", "-f", "json");
      JsonNode listed = TestServer.JSON.readTree(properties);
      List<String> names = new java.util.ArrayList<>();
      listed.forEach(row -> names.add(row.get("Property").asText()));
      assertThat(names).contains("raid_level", "size_gb", "physical_disks").hasSize(10);

      JsonNode cleared =
          TestServer.JSON.readTree(run(api, "node", "show", "compat-raid", "-f", "json"));
      assertThat(cleared.get("target_raid_config").toString()).isEqualTo("{}");
      assertThat(
              fails(
                  api,
                  "node",
                  "set",
                  "compat-raid",
                  "--target-raid-config",
                  "{\"logical_disks\": [{\"size_gb\": 0, \"raid_level\": \"1\"}]}"))
          .contains("\"logical_disks[0].size_gb\" must be a whole number");
      createNode(api, "compat-no-raid");
      assertThat(
              fails(api, "node", "set", "compat-no-raid", "--target-raid-config", file.toString()))
          .contains("Driver fake-hardware does not support raid");
      assertThat(api.conductor().getNode("compat-raid").targetRaidConfig()).isEmpty();
    }
  }

  /**
   * Runs {@code node create} for a fake-hardware node named {@code name}, with {@code options}
   * after; returns its output.
   */
  /**
   * A 503 reaches Ironic's client as Ironic would send it: the client retries it (up to 5 times, 2
   * s apart) and then shows the server's message, instead of failing on a Retry-After header it
   * cannot read.
   */
  @Test
  void baremetalCli_showsTheMessageOfA503() throws Exception {
    requireClient();
    try (TestServer api = new TestServer()) {
      createNode(
          api, "compat-503", "--driver-info", "fake_fail=management.set_boot_device", "-f", "json");

      String output = fails(api, "node", "boot", "device", "set", "compat-503", "pxe");

      assertThat(output)
          .contains("fake management.set_boot_device failed")
          .doesNotContain("retry_after")
          .doesNotContain("Traceback");
    }
  }

  private static String createNode(TestServer api, String name, String... options)
      throws Exception {
    List<String> all =
        new ArrayList<>(List.of("node", "create", "--driver", "fake-hardware", "--name", name));
    all.addAll(List.of(options));
    return run(api, all.toArray(String[]::new));
  }

  /** The command's {@code -f value} output, trimmed. */
  private static String value(TestServer api, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("-f", "value"));
    return run(api, all.toArray(String[]::new)).trim();
  }

  /** Runs a command that must fail; returns its output. */
  private static String fails(TestServer api, String... args) throws Exception {
    Process process = start(api, args);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("%s should fail\n%s", List.of(args), output).isNotZero();
    return output;
  }

  private static String show(TestServer api, String field) throws Exception {
    return run(api, "node", "show", "compat-1", "-f", "value", "-c", field).trim();
  }

  private static void awaitPower(TestServer api, String expected) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (show(api, "power_state").equals(expected)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(show(api, "power_state")).isEqualTo(expected);
  }

  private static Process start(TestServer api, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("baremetal", "--os-auth-type", "none", "--os-endpoint", api.url));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OS_"));
    return builder.start();
  }

  private static String run(TestServer api, String... args) throws Exception {
    List<String> command = List.of(args);
    Process process = start(api, args);
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s\n%s", command, output).isZero();
    return output;
  }

  static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (new File(dir, name).canExecute()) {
        return true;
      }
    }
    return false;
  }
}
