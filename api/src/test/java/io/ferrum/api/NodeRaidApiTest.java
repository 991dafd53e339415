package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.LockMode;
import io.ferrum.conductor.Task;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code PUT /v1/nodes/{node}/states/raid} and the {@code target_raid_config} and {@code
 * raid_config} fields, over real HTTP: the version gate, Ironic's RAID schema, the RAID interface
 * that decides, the node's lock, and that a 204 means the change is committed.
 */
class NodeRaidApiTest extends SynchronousServerTest {

  private static final String CONFIG =
      "{\"logical_disks\": [{\"size_gb\": 100, \"raid_level\": \"1\", \"is_root_volume\": true,"
          + " \"volume_name\": \"root\", \"share_physical_disks\": false, \"disk_type\": \"ssd\","
          + " \"interface_type\": \"sas\", \"number_of_physical_disks\": 2, \"controller\":"
          + " \"RAID.Integrated.1-1\", \"physical_disks\": [\"Disk.Bay.0\", \"Disk.Bay.1\"]},"
          + " {\"size_gb\": \"MAX\", \"raid_level\": \"5+0\"}, {\"size_gb\": 10, \"raid_level\":"
          + " \"JBOD\", \"controller\": \"software\", \"physical_disks\": [{\"size\": \">= 50\"},"
          + " {\"size\": \">= 50\"}]}]}";

  private String raidNode(String name) throws Exception {
    return node(name, ", \"raid_interface\": \"fake\"");
  }

  private void assertClientError(Reply reply, int status, String fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.body().get("error_message").isTextual()).isTrue();
    assertThat(reply.fault()).contains(fault);
  }

  /** The node's stored target RAID configuration, read on a connection of its own. */
  private JsonNode stored(String uuid) throws Exception {
    try (Connection c = api.pool.getConnection();
        PreparedStatement read =
            c.prepareStatement("SELECT target_raid_config FROM nodes WHERE uuid = ?")) {
      read.setString(1, uuid);
      try (ResultSet row = read.executeQuery()) {
        assertThat(row.next()).isTrue();
        return TestServer.JSON.readTree(row.getString(1));
      }
    }
  }

  @Test
  void put_validConfig_204_committed_andShown() throws Exception {
    String uuid = raidNode("r1");

    Reply put = call("PUT", "/v1/nodes/r1/states/raid", CONFIG);

    assertThat(put.status()).as(put.raw().body()).isEqualTo(204);
    assertThat(put.raw().body()).isEmpty();
    JsonNode expected = TestServer.JSON.readTree(CONFIG);
    assertThat(stored(uuid)).isEqualTo(expected);
    Reply shown = api.get("/v1/nodes/r1");
    assertThat(shown.body().get("target_raid_config")).isEqualTo(expected);
    assertThat(shown.body().get("raid_config").toString()).isEqualTo("{}");
    assertThat(shown.body().get("reservation").isNull()).as("the lock is released").isTrue();
    Reply states = api.get("/v1/nodes/r1/states");
    assertThat(states.body().get("target_raid_config")).isEqualTo(expected);
    assertThat(states.body().get("raid_config").toString()).isEqualTo("{}");
    assertThat(
            api.get("/v1/nodes/r1?fields=target_raid_config")
                .body()
                .get("target_raid_config")
                .get("logical_disks")
                .size())
        .isEqualTo(3);
  }

  @Test
  void put_emptyObject_clearsTheTarget() throws Exception {
    String uuid = raidNode("r2");
    assertThat(call("PUT", "/v1/nodes/r2/states/raid", CONFIG).status()).isEqualTo(204);

    Reply cleared = call("PUT", "/v1/nodes/" + uuid + "/states/raid", "{}");

    assertThat(cleared.status()).as(cleared.raw().body()).isEqualTo(204);
    assertThat(stored(uuid).toString()).isEqualTo("{}");
    assertThat(api.get("/v1/nodes/r2").body().get("target_raid_config").toString()).isEqualTo("{}");
  }

  @Test
  void fields_hiddenBefore112_shownFrom112() throws Exception {
    raidNode("r3");

    JsonNode old = api.call("GET", "/v1/nodes/r3", "1.11", null).body();
    JsonNode current = api.call("GET", "/v1/nodes/r3", "1.12", null).body();
    JsonNode oldStates = api.call("GET", "/v1/nodes/r3/states", "1.11", null).body();

    assertThat(old.has("target_raid_config")).isFalse();
    assertThat(old.has("raid_config")).isFalse();
    assertThat(oldStates.has("target_raid_config")).isFalse();
    assertThat(current.get("target_raid_config").toString()).isEqualTo("{}");
    assertThat(current.get("raid_config").toString()).isEqualTo("{}");
  }

  @Test
  void put_before112_406_unknownNode_404() throws Exception {
    String uuid = raidNode("r4");

    Reply old = api.call("PUT", "/v1/nodes/" + uuid + "/states/raid", "1.11", CONFIG);
    Reply unknown =
        call("PUT", "/v1/nodes/5e3b8e50-0d4a-4f44-9d36-1b7a1f2f0000/states/raid", CONFIG);
    Reply unknownOld =
        api.call(
            "PUT", "/v1/nodes/5e3b8e50-0d4a-4f44-9d36-1b7a1f2f0000/states/raid", "1.11", CONFIG);

    assertClientError(old, 406, "needs API version 1.12");
    assertThat(stored(uuid).toString()).isEqualTo("{}");
    assertClientError(unknown, 404, "could not be found");
    assertClientError(unknownOld, 404, "could not be found");
  }

  @Test
  void put_noRaidInterface_404_asIronic_butEmptyIsAccepted() throws Exception {
    String uuid = node("plain", "");
    assertThat(api.get("/v1/nodes/plain").body().get("raid_interface").asText())
        .isEqualTo("no-raid");

    Reply refused = call("PUT", "/v1/nodes/plain/states/raid", CONFIG);
    Reply cleared = call("PUT", "/v1/nodes/plain/states/raid", "{}");

    assertClientError(refused, 404, "Driver fake-hardware does not support raid");
    assertThat(stored(uuid).toString()).isEqualTo("{}");
    assertThat(cleared.status()).as("Ironic checks only a non-empty target").isEqualTo(204);
  }

  @Test
  void put_otherHardwareTypes_keepNoRaid() throws Exception {
    Reply created = call("POST", "/v1/nodes", "{\"driver\": \"ipmi\", \"name\": \"bmc\"}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    assertThat(created.body().get("raid_interface").asText()).isEqualTo("no-raid");

    assertClientError(
        call(
            "PATCH",
            "/v1/nodes/bmc",
            "[{\"op\": \"add\", \"path\": \"/raid_interface\"," + " \"value\": \"fake\"}]"),
        400,
        "raid_interface");
    assertClientError(
        call("PUT", "/v1/nodes/bmc/states/raid", CONFIG), 404, "Driver ipmi does not support raid");
    assertThat(api.get("/v1/drivers/ipmi").body().get("enabled_raid_interfaces").toString())
        .isEqualTo("[\"no-raid\",\"agent\"]");
    assertThat(api.get("/v1/drivers/libvirt").body().get("enabled_raid_interfaces").toString())
        .isEqualTo("[\"no-raid\"]");
    assertThat(
            api.get("/v1/drivers/fake-hardware").body().get("enabled_raid_interfaces").toString())
        .isEqualTo("[\"no-raid\",\"fake\"]");
  }

  @Test
  void put_lockedNode_409_andNothingStored() throws Exception {
    String uuid = raidNode("r5");

    try (Task task = api.conductor.tasks().acquire(uuid, "hold", LockMode.EXCLUSIVE)) {
      Reply locked = call("PUT", "/v1/nodes/r5/states/raid", CONFIG);

      assertClientError(locked, 409, "is locked by host api-test");
    }
    assertThat(stored(uuid).toString()).isEqualTo("{}");
  }

  @Test
  void patch_raidFields_areReadOnly() throws Exception {
    raidNode("r6");

    for (String field : new String[] {"target_raid_config", "raid_config"}) {
      Reply patched =
          call(
              "PATCH",
              "/v1/nodes/r6",
              "[{\"op\": \"add\", \"path\": \"/" + field + "\", \"value\": {}}]");
      assertThat(patched.status()).as(field + ": " + patched.raw().body()).isEqualTo(400);
    }
  }

  static Stream<Arguments> invalidConfigs() {
    String disk = "{\"size_gb\": 10, \"raid_level\": \"1\"";
    return Stream.of(
        Arguments.of("[]", "must be a JSON object"),
        Arguments.of("{\"foo\": 1}", "unknown field \"foo\""),
        Arguments.of("{\"logical_disks\": {}}", "\"logical_disks\" must be an array"),
        Arguments.of("{\"logical_disks\": []}", "\"logical_disks\" must be an array of at least"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + "}, 5]}",
            "\"logical_disks[1]\" must be a JSON object"),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": 10}]}",
            "\"logical_disks[0]\" needs \"raid_level\""),
        Arguments.of(
            "{\"logical_disks\": [{\"raid_level\": \"1\"}]}",
            "\"logical_disks[0]\" needs \"size_gb\""),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"raid\": 1}]}",
            "\"logical_disks[0]\" has an unknown field \"raid\""),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": 10, \"raid_level\": \"7\"}]}",
            "\"logical_disks[0].raid_level\" must be one of JBOD, 0, 1, 2, 5, 6, 1+0, 5+0, 6+0"),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": 10, \"raid_level\": 1}]}",
            "\"logical_disks[0].raid_level\" must be one of"),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": 0, \"raid_level\": \"1\"}]}",
            "\"logical_disks[0].size_gb\" must be a whole number of at least 1 or \"MAX\", not 0"),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": \"max\", \"raid_level\": \"1\"}]}",
            "\"logical_disks[0].size_gb\" must be a whole number"),
        Arguments.of(
            "{\"logical_disks\": [{\"size_gb\": 10.5, \"raid_level\": \"1\"}]}",
            "\"logical_disks[0].size_gb\" must be a whole number"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"is_root_volume\": \"yes\"}]}",
            "\"logical_disks[0].is_root_volume\" must be true or false"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"share_physical_disks\": 1}]}",
            "\"logical_disks[0].share_physical_disks\" must be true or false"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"volume_name\": 5}]}",
            "\"logical_disks[0].volume_name\" must be a string"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"controller\": true}]}",
            "\"logical_disks[0].controller\" must be a string"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"disk_type\": \"nvme\"}]}",
            "\"logical_disks[0].disk_type\" must be one of hdd, ssd"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"interface_type\": \"usb\"}]}",
            "\"logical_disks[0].interface_type\" must be one of sata, scsi, sas"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"number_of_physical_disks\": 0}]}",
            "\"logical_disks[0].number_of_physical_disks\" must be a whole number of at least 1"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"physical_disks\": [\"a\"]}]}",
            "\"logical_disks[0].physical_disks\" needs \"logical_disks[0].controller\""),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"controller\": \"c\", \"physical_disks\": [1]}]}",
            "\"logical_disks[0].physical_disks\" must be an array of strings, or of at least two"),
        Arguments.of(
            "{\"logical_disks\": [" + disk + ", \"controller\": \"c\", \"physical_disks\": [{}]}]}",
            "\"logical_disks[0].physical_disks\" must be an array of strings, or of at least two"),
        Arguments.of(
            "{\"logical_disks\": ["
                + disk
                + ", \"is_root_volume\": true}, "
                + disk
                + "}, "
                + disk
                + ", \"is_root_volume\": true}]}",
            "at most one logical disk may be the root volume; is_root_volume is true in"
                + " logical_disks [0, 2]"));
  }

  @ParameterizedTest
  @MethodSource("invalidConfigs")
  void put_invalidConfig_400_namesTheField(String body, String message) throws Exception {
    String uuid = raidNode("bad");

    Reply refused = call("PUT", "/v1/nodes/bad/states/raid", body);

    assertClientError(refused, 400, message);
    assertThat(stored(uuid).toString()).isEqualTo("{}");
    assertThat(api.get("/v1/nodes/bad").body().get("reservation").isNull()).isTrue();
  }

  @Test
  void driverRaidProperties_describeEveryLogicalDiskField_forATypeWithARaidInterface()
      throws Exception {
    Reply reply =
        api.call("GET", "/v1/drivers/fake-hardware/raid/logical_disk_properties", "1.12", null);

    assertThat(reply.status()).isEqualTo(200);
    java.util.List<String> names = new java.util.ArrayList<>();
    reply.body().fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrderElementsOf(io.ferrum.driver.RaidConfigSchema.LOGICAL_DISK_FIELDS);
    assertThat(reply.body().get("size_gb").asText()).endsWith("Required.");
    assertThat(reply.body().get("controller").asText()).endsWith("Optional.");
  }

  @Test
  void driverRaidProperties_404_forATypeWithoutOne_beforeTheVersion_andForAnUnknownDriver()
      throws Exception {
    assertClientError(
        api.call("GET", "/v1/drivers/libvirt/raid/logical_disk_properties", "1.12", null),
        404,
        "Driver libvirt does not support raid (disabled or not implemented).");
    assertThat(
            api.call("GET", "/v1/drivers/fake-hardware/raid/logical_disk_properties", "1.11", null)
                .status())
        .isEqualTo(404);
    assertThat(
            api.call("GET", "/v1/drivers/nope/raid/logical_disk_properties", "1.12", null).status())
        .isEqualTo(404);
    assertClientError(
        api.call("GET", "/v1/drivers/fake-hardware/raid/logical_disk_properties?x=1", "1.12", null),
        400,
        "Unknown query parameter");
  }
}
