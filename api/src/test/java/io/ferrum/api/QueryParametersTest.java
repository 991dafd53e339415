package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Query parameters of the list (and show) endpoints: a name the endpoint does not know is a 400
 * naming it; Ironic's filters Ferrum can not answer are a 400 saying so, never silently ignored;
 * everything Ironic's clients send for what Ferrum does answer works.
 */
class QueryParametersTest extends SynchronousServerTest {

  private String node;

  @BeforeEach
  void createNode() throws Exception {
    Reply created =
        api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"fake-hardware\", \"name\": \"q1\"}");
    assertThat(created.status()).isEqualTo(201);
    node = created.body().get("uuid").asText();
  }

  private void assertClientError(Reply reply, int status, String... fault) throws Exception {
    assertThat(reply.status()).as(reply.raw().body()).isEqualTo(status);
    assertThat(reply.fault()).contains(fault);
  }

  @Test
  void unknownParameter_onEveryListEndpoint_is400NamingIt() throws Exception {
    for (String path :
        List.of(
            "/v1/nodes",
            "/v1/nodes/detail",
            "/v1/nodes/q1",
            "/v1/nodes/q1/ports",
            "/v1/nodes/q1/portgroups",
            "/v1/nodes/q1/history",
            "/v1/ports",
            "/v1/ports/detail",
            "/v1/ports/52:54:00:00:00:01",
            "/v1/portgroups",
            "/v1/portgroups/detail",
            "/v1/conductors",
            "/v1/drivers")) {
      Reply reply = api.get(path + "?provison_state=active");

      assertClientError(reply, 400, "Unknown query parameter \"provison_state\"");
    }
  }

  @Test
  void provisionStateFilter_thatNamesNoState_is400() throws Exception {
    assertClientError(
        api.get("/v1/nodes?provision_state=actve"),
        400,
        "provision_state \"actve\" is not a provision state",
        "active");
    assertClientError(api.get("/v1/nodes?provision_state="), 400, "provision_state \"\"");
    assertThat(api.get("/v1/nodes?provision_state=enroll").body().get("nodes")).hasSize(1);
    assertThat(api.get("/v1/nodes?provision_state=deploy%20failed").status()).isEqualTo(200);
  }

  @Test
  void ironicFilters_ferrumCanNotAnswer_areRefusedNotIgnored() throws Exception {
    for (String filter :
        List.of(
            "associated=True",
            "instance_uuid=" + node,
            "chassis_uuid=" + node,
            "fault=power%20failure",
            "retired=True",
            "conductor=api-test",
            "description_contains=x")) {
      Reply reply = api.get("/v1/nodes?" + filter);

      assertClientError(
          reply,
          400,
          "Ferrum does not filter nodes by \"" + filter.substring(0, filter.indexOf('=')));
    }
  }

  @Test
  void ironicFilters_newerThanFerrum_are406() throws Exception {
    for (String filter :
        List.of("shard=a", "sharded=true", "parent_node=x", "include_children=1")) {
      Reply reply = api.get("/v1/nodes?" + filter);

      assertThat(reply.status()).as(filter).isEqualTo(406);
    }
  }

  @Test
  void filterNewerThanTheRequestedVersion_is406() throws Exception {
    Reply reply = api.call("GET", "/v1/nodes?owner=x", "1.49", null);

    assertThat(reply.status()).isEqualTo(406);
  }

  @Test
  void whatTheClientsSend_forAnsweredFilters_works() throws Exception {
    for (String query :
        List.of(
            "limit=1&sort_key=name&sort_dir=desc&fields=uuid,name",
            "marker=" + node + "&limit=10",
            "detail=True",
            "maintenance=False&provision_state=enroll&driver=fake-hardware",
            "resource_class=x&owner=y&lessee=z",
            "fields=uuid,provision_state,power_state,maintenance,instance_uuid,name")) {
      Reply reply = api.get("/v1/nodes?" + query);

      assertThat(reply.status()).as(query + ": " + reply.raw().body()).isEqualTo(200);
    }
    assertThat(api.get("/v1/nodes/q1?fields=uuid,name").status()).isEqualTo(200);
    assertThat(api.get("/v1/ports?node=q1&detail=True").status()).isEqualTo(200);
    assertThat(api.get("/v1/ports?address=52:54:00:00:00:01&fields=uuid").status()).isEqualTo(200);
    assertThat(api.get("/v1/portgroups?node=q1&limit=5&sort_dir=asc").status()).isEqualTo(200);
    assertThat(api.get("/v1/conductors?detail=True").status()).isEqualTo(200);
    assertThat(api.get("/v1/drivers?type=dynamic&detail=True").status()).isEqualTo(200);
  }

  @Test
  void aWriteWithAQueryParameter_is400_andChangesNothing() throws Exception {
    String[][] writes = {
      {"PATCH", "/v1/nodes/q1?x=1", "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]"},
      {"PUT", "/v1/nodes/q1/states/provision?force=1", "{\"target\": \"manage\"}"},
      {"PUT", "/v1/nodes/q1/maintenance?reason=x", "{}"},
      {"PUT", "/v1/nodes/q1/traits/CUSTOM_A?x=1", null},
      {"POST", "/v1/ports?x=1", "{\"node_uuid\": \"NODE\", \"address\": \"52:54:00:00:00:09\"}"},
      {"DELETE", "/v1/nodes/q1?force=true", null}
    };
    for (String[] write : writes) {
      String body = write[2] == null ? null : write[2].replace("NODE", node);
      Reply reply = api.call(write[0], write[1], "1.78", body);

      assertClientError(reply, 400, "Unknown query parameter");
    }
    Reply after = api.call("GET", "/v1/nodes/q1", "1.78", null);
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.body().get("provision_state").asText()).isEqualTo("enroll");
    assertThat(after.body().get("maintenance").asBoolean()).isFalse();
    assertThat(after.body().get("extra").size()).isZero();
    assertThat(after.body().get("traits").size()).isZero();
    assertThat(api.get("/v1/ports").body().get("ports").size()).isZero();
  }

  @Test
  void resetInterfaces_isAcceptedWithANewDriverOnly() throws Exception {
    String patch = "[{\"op\": \"replace\", \"path\": \"/driver\", \"value\": \"fake-hardware\"}]";
    assertThat(api.call("PATCH", "/v1/nodes/q1?reset_interfaces=true", "1.78", patch).status())
        .isEqualTo(200);
    assertClientError(
        api.call("PATCH", "/v1/nodes/q1?reset_interfaces=false", "1.78", patch),
        400,
        "reset_interfaces=false is not supported");
    assertClientError(
        api.call(
            "PATCH",
            "/v1/nodes/q1?reset_interfaces=true",
            "1.78",
            "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]"),
        400,
        "only when changing the driver");
    assertClientError(
        api.call("PATCH", "/v1/nodes/q1?reset_interfaces=true", "1.44", patch),
        406,
        "reset_interfaces");
  }
}
