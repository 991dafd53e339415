package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Ironic endpoints beyond the node lifecycle, over real HTTP: traits, boot device, ports, port
 * groups, history, drivers, validation, node fields; and that client mistakes are 4xx in Ironic's
 * envelope, never a 500.
 */
class IronicEndpointsTest extends SynchronousServerTest {

  private void provision(String node, String target) throws Exception {
    Reply reply =
        call("PUT", "/v1/nodes/" + node + "/states/provision", "{\"target\": \"" + target + "\"}");
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
  }

  /** A client mistake: the status, and Ironic's envelope with a Client fault. */
  private void assertClientError(Reply reply, int status, String fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.body().get("error_message").isTextual()).isTrue();
    assertThat(reply.fault()).contains(fault);
  }

  @Test
  void traits_addListReplaceRemove_andIronicsNameRule() throws Exception {
    node("t1", "");

    assertThat(call("PUT", "/v1/nodes/t1/traits/CUSTOM_GPU", null).status()).isEqualTo(204);
    assertThat(call("PUT", "/v1/nodes/t1/traits/HW_CPU_X86_VMX", null).status()).isEqualTo(204);
    assertThat(api.get("/v1/nodes/t1/traits").body().get("traits").toString())
        .isEqualTo("[\"CUSTOM_GPU\",\"HW_CPU_X86_VMX\"]");
    assertThat(api.get("/v1/nodes/t1").body().get("traits").size()).isEqualTo(2);
    assertThat(call("PUT", "/v1/nodes/t1/traits", "{\"traits\": [\"CUSTOM_A\"]}").status())
        .isEqualTo(204);
    assertThat(api.get("/v1/nodes/t1/traits").body().get("traits").toString())
        .isEqualTo("[\"CUSTOM_A\"]");
    assertClientError(call("PUT", "/v1/nodes/t1/traits/custom_lower", null), 400, "Invalid trait");
    assertClientError(
        call("PUT", "/v1/nodes/t1/traits", "{\"traits\": \"CUSTOM_A\"}"), 400, "array");
    assertClientError(call("DELETE", "/v1/nodes/t1/traits/CUSTOM_B", null), 404, "have a trait");
    assertThat(call("DELETE", "/v1/nodes/t1/traits/CUSTOM_A", null).status()).isEqualTo(204);
    assertThat(call("DELETE", "/v1/nodes/t1/traits", null).status()).isEqualTo(204);
    assertThat(api.call("GET", "/v1/nodes/t1/traits", "1.36", null).status()).isEqualTo(404);
  }

  @Test
  void bootDevice_setShowSupported_andNmi() throws Exception {
    node("b1", "");

    assertThat(
            call(
                    "PUT",
                    "/v1/nodes/b1/management/boot_device",
                    "{\"boot_device\": \"disk\", \"persistent\": \"true\"}")
                .status())
        .isEqualTo(204);
    Reply shown = api.get("/v1/nodes/b1/management/boot_device");
    assertThat(shown.body().get("boot_device").asText()).isEqualTo("disk");
    assertThat(shown.body().get("persistent").isNull()).isTrue();
    assertThat(api.get("/v1/nodes/b1/management/boot_device/supported").body().toString())
        .isEqualTo("{\"supported_boot_devices\":[\"pxe\",\"disk\",\"cdrom\"]}");
    assertClientError(
        call("PUT", "/v1/nodes/b1/management/boot_device", "{\"boot_device\": \"floppy\"}"),
        400,
        "Invalid boot device floppy");
    assertClientError(
        call("PUT", "/v1/nodes/b1/management/boot_device", "{\"boot_device\": 3}"),
        400,
        "must be a string");
    assertThat(call("PUT", "/v1/nodes/b1/management/inject_nmi", "{}").status()).isEqualTo(204);
    assertThat(api.call("PUT", "/v1/nodes/b1/management/inject_nmi", "1.28", "{}").status())
        .isEqualTo(404);
  }

  @Test
  void nodeFields_createPatchFilterAndShow() throws Exception {
    String uuid =
        node(
            "f1",
            ", \"resource_class\": \"gold\", \"owner\": \"team-a\", \"description\": \"rack 4\","
                + " \"boot_interface\": \"fake\"");
    node("f2", ", \"resource_class\": \"silver\"");

    Reply shown = api.get("/v1/nodes/" + uuid);
    assertThat(shown.body().get("resource_class").asText()).isEqualTo("gold");
    assertThat(shown.body().get("owner").asText()).isEqualTo("team-a");
    assertThat(shown.body().get("description").asText()).isEqualTo("rack 4");
    assertThat(shown.body().get("boot_interface").asText()).isEqualTo("fake");
    assertThat(shown.body().get("raid_interface").asText()).isEqualTo("no-raid");
    assertThat(shown.body().get("protected").asBoolean()).isFalse();
    assertThat(api.get("/v1/nodes?resource_class=gold").body().get("nodes").size()).isEqualTo(1);
    assertThat(
            api.get("/v1/nodes?owner=team-a&detail=true").body().get("nodes").get(0).has("owner"))
        .isTrue();
    assertClientError(api.call("GET", "/v1/nodes?owner=x", "1.49", null), 406, "owner");
    assertClientError(
        call(
            "POST",
            "/v1/nodes",
            "{\"driver\": \"fake-hardware\", \"deploy_interface\": \"direct\"}"),
        400,
        "deploy_interface \"direct\" is not supported by hardware type fake-hardware");
    Reply patched =
        call(
            "PATCH",
            "/v1/nodes/f1",
            "[{\"op\": \"add\", \"path\": \"/maintenance\", \"value\": \"True\"},"
                + " {\"op\": \"replace\", \"path\": \"/lessee\", \"value\": \"team-b\"}]");
    assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
    assertThat(patched.body().get("maintenance").asBoolean()).isTrue();
    assertThat(patched.body().get("lessee").asText()).isEqualTo("team-b");
    assertClientError(
        call(
            "PATCH",
            "/v1/nodes/f1",
            "[{\"op\": \"add\", \"path\": \"/protected\", \"value\": 1.5}]"),
        400,
        "protected must be true or false");
    assertClientError(
        call(
            "PATCH",
            "/v1/nodes/f1",
            "[{\"op\": \"add\", \"path\": \"/protected\", \"value\": true}]"),
        409,
        "can only be protected");
  }

  @Test
  void conductorGroup_atCreate_filteredInLists_lowerCased() throws Exception {
    String rack = node("cg1", ", \"conductor_group\": \"Rack-A\"");
    node("cg2", "");

    Reply shown = api.get("/v1/nodes/" + rack + "?fields=conductor_group");
    Reply inGroup = api.get("/v1/nodes?conductor_group=rack-a");
    Reply mixedCase = api.get("/v1/nodes?conductor_group=RACK-A");
    Reply defaultGroup = api.get("/v1/nodes?conductor_group=");

    assertThat(shown.body().get("conductor_group").asText()).isEqualTo("rack-a");
    assertThat(inGroup.body().get("nodes")).hasSize(1);
    assertThat(inGroup.body().get("nodes").get(0).get("uuid").asText()).isEqualTo(rack);
    assertThat(mixedCase.body().get("nodes")).hasSize(1);
    assertThat(defaultGroup.body().get("nodes")).hasSize(1);
    assertThat(defaultGroup.body().get("nodes").get(0).get("name").asText()).isEqualTo("cg2");
  }

  @Test
  void conductorGroup_olderVersionsOrBadValues_areRefused() throws Exception {
    node("cg3", "");

    assertClientError(
        api.call(
            "POST",
            "/v1/nodes",
            "1.45",
            "{\"driver\": \"fake-hardware\", \"conductor_group\": \"a\"}"),
        406,
        "conductor_group");
    assertClientError(
        api.call("GET", "/v1/nodes?conductor_group=a", "1.45", null), 406, "conductor_group");
    assertClientError(
        call("POST", "/v1/nodes", "{\"driver\": \"fake-hardware\", \"conductor_group\": \"a b\"}"),
        400,
        "conductor_group must be");
  }

  @Test
  void patch_ofAFieldNewerThanTheRequestedVersion_is406_andChangesNothing() throws Exception {
    node("pv1", "");

    Reply group =
        api.call(
            "PATCH",
            "/v1/nodes/pv1",
            "1.45",
            "[{\"op\": \"replace\", \"path\": \"/conductor_group\", \"value\": \"a\"}]");
    Reply owner =
        api.call(
            "PATCH",
            "/v1/nodes/pv1",
            "1.49",
            "[{\"op\": \"add\", \"path\": \"/owner\", \"value\": \"p\"}]");
    Reply allowed =
        api.call(
            "PATCH",
            "/v1/nodes/pv1",
            "1.46",
            "[{\"op\": \"replace\", \"path\": \"/conductor_group\", \"value\": \"a\"}]");

    assertClientError(group, 406, "\"conductor_group\" field needs API version 1.46");
    assertClientError(owner, 406, "\"owner\" field needs API version 1.50");
    assertThat(allowed.status()).as(allowed.raw().body()).isEqualTo(200);
    assertThat(api.get("/v1/nodes/pv1").body().get("owner").isNull()).isTrue();
  }

  @Test
  void ports_crudFiltersAndUniqueMacs() throws Exception {
    String uuid = node("p1", "");

    Reply created =
        call(
            "POST",
            "/v1/ports",
            "{\"address\": \"52:54:00:AA:BB:CC\", \"node_uuid\": \""
                + uuid
                + "\","
                + " \"pxe_enabled\": \"false\", \"local_link_connection\": {\"switch_id\":"
                + " \"0a:1b:2c:3d:4e:5f\", \"port_id\": \"Ethernet3/1\"}}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String port = created.body().get("uuid").asText();
    assertThat(created.header("Location")).isEqualTo(api.url + "/v1/ports/" + port);
    assertThat(created.body().get("address").asText()).isEqualTo("52:54:00:aa:bb:cc");
    assertThat(created.body().get("pxe_enabled").asBoolean()).isFalse();
    assertThat(api.get("/v1/ports").body().get("ports").get(0).fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("uuid", "address", "links");
    assertThat(api.get("/v1/ports?address=52:54:00:aa:bb:cc").body().get("ports").size())
        .isEqualTo(1);
    assertThat(
            api.get("/v1/ports/detail?node=p1")
                .body()
                .get("ports")
                .get(0)
                .get("node_uuid")
                .asText())
        .isEqualTo(uuid);
    assertThat(api.get("/v1/nodes/p1/ports").body().get("ports").size()).isEqualTo(1);
    assertThat(api.get("/v1/nodes/" + uuid).body().get("ports").get(0).get("href").asText())
        .isEqualTo(api.url + "/v1/nodes/" + uuid + "/ports");
    assertClientError(
        call("POST", "/v1/ports", "{\"address\": \"52:54:00:aa:bb:cc\", \"node_uuid\": \"p1\"}"),
        409,
        "already exists");
    assertClientError(
        call("POST", "/v1/ports", "{\"address\": \"52:54:00:aa:bb:cd\", \"node_uuid\": \"nope\"}"),
        400,
        "could not be found");
    assertClientError(
        call("POST", "/v1/ports", "{\"address\": \"zz\", \"node_uuid\": \"p1\"}"), 400, "MAC");
    Reply patched =
        call(
            "PATCH",
            "/v1/ports/" + port,
            "[{\"op\": \"replace\", \"path\": \"/pxe_enabled\", \"value\": true}]");
    assertThat(patched.body().get("pxe_enabled").asBoolean()).isTrue();
    assertThat(call("DELETE", "/v1/ports/" + port, null).status()).isEqualTo(204);
    assertClientError(api.get("/v1/ports/" + port), 404, "could not be found");
  }

  @Test
  void portgroups_crud_andTheirPorts() throws Exception {
    String uuid = node("g1", "");

    Reply created =
        call(
            "POST",
            "/v1/portgroups",
            "{\"name\": \"bond0\", \"node_uuid\": \"" + uuid + "\", \"mode\": \"802.3ad\"}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    assertThat(created.body().get("mode").asText()).isEqualTo("802.3ad");
    Reply port =
        call(
            "POST",
            "/v1/ports",
            "{\"address\": \"52:54:00:00:00:11\", \"node_uuid\": \"g1\", \"portgroup_uuid\":"
                + " \"bond0\"}");
    assertThat(port.status()).as(port.raw().body()).isEqualTo(201);
    assertThat(api.get("/v1/portgroups/bond0/ports").body().get("ports").size()).isEqualTo(1);
    assertThat(api.get("/v1/nodes/g1/portgroups").body().get("portgroups").size()).isEqualTo(1);
    assertClientError(call("DELETE", "/v1/portgroups/bond0", null), 409, "contains ports");
    assertThat(api.call("GET", "/v1/portgroups", "1.22", null).status()).isEqualTo(404);
    assertThat(call("DELETE", "/v1/nodes/g1", null).status()).isEqualTo(204);
    assertThat(api.get("/v1/ports").body().get("ports").size()).as("went with the node").isZero();
    assertThat(api.get("/v1/portgroups").body().get("portgroups").size()).isZero();
  }

  @Test
  void history_listDetailAndOneEvent() throws Exception {
    node("h1", "");
    provision("h1", "manage");

    Reply list = api.get("/v1/nodes/h1/history");
    assertThat(list.body().get("history").get(0).has("event_type")).isFalse();
    Reply detail = api.get("/v1/nodes/h1/history?detail=true");
    assertThat(detail.body().get("history").get(0).has("event_type")).isTrue();
    String event = detail.body().get("history").get(0).get("uuid").asText();
    Reply one = api.get("/v1/nodes/h1/history/" + event);
    assertThat(one.body().get("uuid").asText()).isEqualTo(event);
    assertThat(one.body().get("conductor").asText()).isEqualTo("api-test");
    assertClientError(
        api.get("/v1/nodes/h1/history/" + java.util.UUID.randomUUID()), 404, "history");
  }

  @Test
  void drivers_propertiesAndInterfaceColumns() throws Exception {
    Reply properties = api.get("/v1/drivers/fake-hardware/properties");
    assertThat(properties.body().has("fake_fail")).isTrue();
    Reply detail = api.get("/v1/drivers?detail=true");
    assertThat(detail.body().get("drivers").get(0).get("default_boot_interface").asText())
        .isNotEmpty();
    assertThat(api.get("/v1/drivers").body().get("drivers").get(0).has("default_boot_interface"))
        .isFalse();
    Reply fake = api.get("/v1/drivers/fake-hardware");
    assertThat(fake.body().get("default_deploy_interface").asText()).isEqualTo("fake");
    assertThat(fake.body().get("enabled_raid_interfaces").toString())
        .isEqualTo("[\"no-raid\",\"fake\"]");
    assertThat(api.get("/v1/drivers/ipmi/properties").body().has("ipmi_address")).isTrue();
    assertClientError(api.get("/v1/drivers/snmp/properties"), 404, "snmp");
  }

  @Test
  void validate_listsEveryInterfaceIronicValidates() throws Exception {
    node("v1", "");

    Reply validate = api.get("/v1/nodes/v1/validate");

    List<String> names = new ArrayList<>();
    validate.body().fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactly(
            "bios",
            "boot",
            "console",
            "deploy",
            "inspect",
            "management",
            "network",
            "power",
            "raid",
            "rescue",
            "storage");
    assertThat(validate.body().get("power").get("result").asBoolean()).isTrue();
    assertThat(validate.body().get("bios").get("result").asBoolean()).isFalse();
    assertThat(validate.body().get("bios").get("reason").asText())
        .contains("does not support bios");
  }

  @Test
  void unsupportedEndpoints_say404NotImplemented_withTheDocs() throws Exception {
    node("u1", "");
    for (String path :
        List.of(
            "/v1/chassis",
            "/v1/chassis/abc",
            "/v1/volume/connectors",
            "/v1/deploy_templates",
            "/v1/runbooks",
            "/v1/nodes/u1/vifs",
            "/v1/nodes/u1/bios",
            "/v1/nodes/u1/states/console")) {
      Reply reply = api.get(path);
      assertClientError(reply, 404, "Ferrum does not implement");
      assertThat(reply.fault()).as(path).contains("docs/api.md");
    }
    assertClientError(api.get("/v1/nonsense"), 404, "The resource could not be found.");
  }
}
