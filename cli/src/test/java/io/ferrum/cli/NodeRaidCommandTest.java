package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferrum node set --target-raid-config} (JSON or a file), {@code node unset
 * --target-raid-config} and {@code node show}, against a live API server in-process.
 */
class NodeRaidCommandTest {

  private static final String CONFIG =
      "{\"logical_disks\": [{\"size_gb\": \"MAX\", \"raid_level\": \"1\", \"is_root_volume\":"
          + " true}]}";

  @TempDir Path dir;

  private TestServer api;

  @BeforeEach
  void start() throws Exception {
    api = new TestServer();
    CliRun created = ferrum("node", "create", "--driver", "fake-hardware", "--name", "r1");
    assertThat(created.code()).as(created.err()).isZero();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private CliRun ferrum(String... args) {
    return CliRun.against(api.url, args);
  }

  private String target() {
    return api.conductor().getNode("r1").targetRaidConfig().toString();
  }

  @Test
  void set_json_thenUnset_clears_andShowShowsIt() {
    CliRun chosen = ferrum("node", "set", "r1", "--raid-interface", "fake", "-f", "json");
    assertThat(chosen.code()).as(chosen.err()).isZero();
    assertThat(chosen.out()).contains("\"target_raid_config\" : { }");

    CliRun set = ferrum("node", "set", "r1", "--target-raid-config", CONFIG, "-f", "json");

    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("\"raid_level\" : \"1\"").contains("\"raid_config\" : { }");
    assertThat(target()).contains("raid_level=1", "size_gb=MAX");
    assertThat(ferrum("node", "show", "r1").out()).contains("target_raid_config", "MAX");

    CliRun unset = ferrum("node", "unset", "r1", "--target-raid-config", "-f", "json");

    assertThat(unset.code()).as(unset.err()).isZero();
    assertThat(unset.out()).contains("\"target_raid_config\" : { }");
    assertThat(target()).isEqualTo("{}");
  }

  @Test
  void set_fromFile() throws Exception {
    Path file = dir.resolve("raid.json");
    Files.writeString(file, CONFIG, StandardCharsets.UTF_8);
    ferrum("node", "set", "r1", "--raid-interface", "fake");

    CliRun byPath = ferrum("node", "set", "r1", "--target-raid-config", file.toString());
    assertThat(byPath.code()).as(byPath.err()).isZero();
    assertThat(target()).contains("size_gb=MAX");
    ferrum("node", "unset", "r1", "--target-raid-config");
    assertThat(target()).isEqualTo("{}");
  }

  @Test
  void set_badValues_usageErrorsOrTheServersReason() {
    CliRun notJson = ferrum("node", "set", "r1", "--target-raid-config", "{nope");
    CliRun noFile = ferrum("node", "set", "r1", "--target-raid-config", dir + "/absent.json");
    CliRun notObject = ferrum("node", "set", "r1", "--target-raid-config", "[1]");
    CliRun noRaid = ferrum("node", "set", "r1", "--target-raid-config", CONFIG);
    ferrum("node", "set", "r1", "--raid-interface", "fake");
    CliRun invalid =
        ferrum("node", "set", "r1", "--target-raid-config", "{\"logical_disks\": [{}]}");

    assertThat(notJson.code()).isEqualTo(2);
    assertThat(notJson.err()).contains("--target-raid-config is neither a file nor JSON");
    assertThat(noFile.code()).isEqualTo(2);
    assertThat(noFile.err()).contains("--target-raid-config: no such file");
    assertThat(notObject.code()).isEqualTo(2);
    assertThat(notObject.err()).contains("must hold a JSON object");
    assertThat(noRaid.code()).isNotZero();
    assertThat(noRaid.err()).contains("does not support raid");
    assertThat(invalid.code()).isNotZero();
    assertThat(invalid.err()).contains("\"logical_disks[0]\" needs \"raid_level\"");
    assertThat(target()).isEqualTo("{}");
  }

  @Test
  void help_describesTheOptions() {
    assertThat(ferrum("node", "set", "--help").out())
        .contains("--target-raid-config=JSON|FILE", "--raid-interface=NAME");
    assertThat(ferrum("node", "unset", "--help").out())
        .contains("--target-raid-config", "Clear the target RAID configuration");
  }
}
