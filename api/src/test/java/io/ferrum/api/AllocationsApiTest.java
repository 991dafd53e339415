package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/allocations} over real HTTP: version gates as in Ironic, create, show, list filters,
 * patch, delete, the node's allocation; hostile input is a 400 naming the field, never a 500.
 */
class AllocationsApiTest extends SynchronousServerTest {

  /** An available node of {@code resourceClass} with a known power state. */
  private String node(String name, String resourceClass, String traits) throws Exception {
    Reply created =
        call(
            "POST",
            "/v1/nodes",
            "{\"driver\": \"fake-hardware\", \"name\": \""
                + name
                + "\", \"resource_class\": \""
                + resourceClass
                + "\"}");
    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String uuid = created.body().get("uuid").asText();
    for (String target : new String[] {"manage", "provide"}) {
      Reply reply =
          call(
              "PUT", "/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"" + target + "\"}");
      assertThat(reply.status()).as(reply.raw().body()).isEqualTo(202);
    }
    Reply power = call("PUT", "/v1/nodes/" + uuid + "/states/power", "{\"target\": \"power off\"}");
    assertThat(power.status()).as(power.raw().body()).isEqualTo(202);
    if (traits != null) {
      Reply set = call("PUT", "/v1/nodes/" + uuid + "/traits", "{\"traits\": " + traits + "}");
      assertThat(set.status()).as(set.raw().body()).isEqualTo(204);
    }
    return uuid;
  }

  private void assertClientError(Reply reply, int status, String fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.fault()).contains(fault);
  }

  @Test
  void versionGate_asIronic() throws Exception {
    assertThat(api.call("GET", "/v1/allocations", "1.51", null).status()).isEqualTo(404);
    assertThat(api.call("POST", "/v1/allocations", "1.51", "{\"resource_class\": \"x\"}").status())
        .isEqualTo(405);
    assertThat(api.call("GET", "/v1/allocations", "1.52", null).status()).isEqualTo(200);
    assertThat(api.call("GET", "/v1/nodes/x/allocation", "1.51", null).status()).isEqualTo(404);
    assertThat(
            api.call(
                    "POST",
                    "/v1/allocations",
                    "1.59",
                    "{\"resource_class\": \"x\", \"owner\": \"p\"}")
                .status())
        .isEqualTo(406);
    Reply created = api.call("POST", "/v1/allocations", "1.52", "{\"resource_class\": \"x\"}");
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.body().has("owner")).isFalse();
    String uuid = created.body().get("uuid").asText();
    assertThat(
            api.call(
                    "PATCH",
                    "/v1/allocations/" + uuid,
                    "1.56",
                    "[{\"op\": \"add\", \"path\": \"/name\", \"value\": \"a\"}]")
                .status())
        .isEqualTo(405);
  }

  @Test
  void create_allocatesAMatchingNode_showsItEverywhere() throws Exception {
    String gold = node("gold-1", "gold", "[\"CUSTOM_FAST\"]");
    node("silver-1", "silver", "[\"CUSTOM_FAST\"]");

    Reply created =
        call(
            "POST",
            "/v1/allocations",
            "{\"resource_class\": \"gold\", \"traits\": [\"CUSTOM_FAST\"], \"name\": \"web\","
                + " \"extra\": {\"k\": \"v\"}, \"candidate_nodes\": [\"gold-1\"]}");

    assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
    String uuid = created.body().get("uuid").asText();
    assertThat(created.header("Location")).isEqualTo(api.url + "/v1/allocations/" + uuid);
    Reply shown = api.get("/v1/allocations/web");
    assertThat(shown.body().get("state").asText()).isEqualTo("active");
    assertThat(shown.body().get("node_uuid").asText()).isEqualTo(gold);
    assertThat(shown.body().get("candidate_nodes").get(0).asText()).isEqualTo(gold);
    assertThat(shown.body().get("traits").get(0).asText()).isEqualTo("CUSTOM_FAST");
    assertThat(shown.body().get("extra").get("k").asText()).isEqualTo("v");
    assertThat(shown.body().get("links").get(0).get("href").asText())
        .isEqualTo(api.url + "/v1/allocations/" + uuid);
    Reply node = api.get("/v1/nodes/" + gold);
    assertThat(node.body().get("allocation_uuid").asText()).isEqualTo(uuid);
    assertThat(node.body().get("instance_uuid").asText()).isEqualTo(uuid);
    assertThat(api.get("/v1/nodes/gold-1/allocation").body().get("uuid").asText()).isEqualTo(uuid);
    assertThat(api.get("/v1/allocations?node=gold-1").body().get("allocations").size())
        .isEqualTo(1);
    assertThat(api.get("/v1/allocations/" + uuid + "?fields=uuid,state").body().fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("uuid", "state", "links");

    Reply patched =
        call(
            "PATCH",
            "/v1/allocations/" + uuid,
            "[{\"op\": \"replace\", \"path\": \"/name\", \"value\": \"web-2\"}]");
    assertThat(patched.status()).as(patched.raw().body()).isEqualTo(200);
    assertThat(patched.body().get("name").asText()).isEqualTo("web-2");
    assertClientError(
        call(
            "PATCH",
            "/v1/allocations/" + uuid,
            "[{\"op\": \"replace\", \"path\": \"/resource_class\", \"value\": \"x\"}]"),
        400,
        "resource_class");

    assertThat(call("DELETE", "/v1/nodes/gold-1/allocation", null).status()).isEqualTo(204);
    assertThat(api.get("/v1/nodes/" + gold).body().get("allocation_uuid").isNull()).isTrue();
    assertClientError(api.get("/v1/nodes/gold-1/allocation"), 404, "was not found");
    assertClientError(api.get("/v1/allocations/" + uuid), 404, "could not be found");
  }

  @Test
  void create_noMatchingNode_isAnErrorAllocation_andListsFilter() throws Exception {
    Reply created = call("POST", "/v1/allocations", "{\"resource_class\": \"tin\"}");
    assertThat(created.status()).isEqualTo(201);

    Reply errors = api.get("/v1/allocations?state=error&resource_class=tin");
    assertThat(errors.body().get("allocations").size()).isEqualTo(1);
    assertThat(errors.body().get("allocations").get(0).get("last_error").asText())
        .contains("no available nodes match the resource class tin");
    assertThat(api.get("/v1/allocations?state=active").body().get("allocations").size()).isZero();
    assertClientError(api.get("/v1/allocations?state=bogus"), 400, "state");
    assertClientError(api.get("/v1/allocations?node=ghost"), 400, "ghost");
    assertClientError(api.get("/v1/allocations?sort_key=traits"), 400, "sort key");
    assertClientError(api.get("/v1/allocations?marker=nope"), 400, "marker");
    assertClientError(api.get("/v1/allocations?detail=true"), 400, "detail");
  }

  @Test
  void create_hostileInput_is400NamingTheField() throws Exception {
    String[][] cases = {
      {"{}", "resource_class"},
      {"{\"resource_class\": 5}", "resource_class"},
      {"{\"resource_class\": [\"x\"]}", "resource_class"},
      {"{\"resource_class\": \"" + "x".repeat(81) + "\"}", "resource_class"},
      {"{\"resource_class\": \"x\", \"traits\": \"CUSTOM_A\"}", "traits"},
      {"{\"resource_class\": \"x\", \"traits\": [1]}", "traits[0]"},
      {"{\"resource_class\": \"x\", \"traits\": [\"lower\"]}", "traits"},
      {"{\"resource_class\": \"x\", \"candidate_nodes\": [\"ghost\"]}", "candidate_nodes"},
      {"{\"resource_class\": \"x\", \"candidate_nodes\": {}}", "candidate_nodes"},
      {"{\"resource_class\": \"x\", \"uuid\": \"not-a-uuid\"}", "UUID"},
      {"{\"resource_class\": \"x\", \"name\": \"has space\"}", "name"},
      {"{\"resource_class\": \"x\", \"extra\": []}", "extra"},
      {"{\"resource_class\": \"x\", \"owner\": 7}", "owner"},
      {"{\"resource_class\": \"x\", \"bogus\": 1}", "bogus"},
      {"{\"resource_class\": \"x\", \"node\": \"n\"}", "node"},
    };
    for (String[] c : cases) {
      assertClientError(call("POST", "/v1/allocations", c[0]), 400, c[1]);
    }
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 1001; i++) {
      many.append(i == 0 ? "" : ",").append("\"n").append(i).append('"');
    }
    assertClientError(
        call(
            "POST",
            "/v1/allocations",
            "{\"resource_class\": \"x\", \"candidate_nodes\": " + many + "]}"),
        400,
        "candidate_nodes");
    assertThat(api.get("/v1/allocations").body().get("allocations").size()).isZero();
  }

  @Test
  void delete_activeNode_is409_andNodeDeleteNeedsMaintenance() throws Exception {
    String uuid = node("n1", "gold", null);
    String allocation =
        call("POST", "/v1/allocations", "{\"resource_class\": \"gold\"}")
            .body()
            .get("uuid")
            .asText();

    assertClientError(call("DELETE", "/v1/nodes/" + uuid, null), 409, "associated with instance");
    Reply deploy =
        call("PUT", "/v1/nodes/" + uuid + "/states/provision", "{\"target\": \"active\"}");
    assertThat(deploy.status()).as(deploy.raw().body()).isEqualTo(202);
    assertClientError(
        call("DELETE", "/v1/allocations/" + allocation, null), 409, "the node is active");
    assertThat(call("PUT", "/v1/nodes/" + uuid + "/maintenance", "{}").status()).isEqualTo(202);
    assertThat(call("DELETE", "/v1/nodes/" + uuid, null).status()).isEqualTo(204);
    assertClientError(api.get("/v1/allocations/" + allocation), 404, "could not be found");
  }
}
