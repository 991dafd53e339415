package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.InMemoryNotificationSink;
import io.ferrum.conductor.Notification;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Secrets never leave through the API or notifications: every key Ironic masks, at any depth, and
 * instance_info's configdrive always.
 */
class ApiSecretsTest {

  /** Each secret value is unique, so a leak of any of them is found by a plain search. */
  private static final List<String> SECRETS =
      List.of(
          "S1-token",
          "S2-apikey",
          "S3-snmpauth",
          "S4-oldpw",
          "S5-nested",
          "S6-configdrive",
          "S7-adminpass",
          "S8-private",
          "S9-reason",
          "S10-listed");

  private static final String NODE =
      "{\"driver\": \"fake-hardware\", \"name\": \"secrets-1\", \"driver_info\": {"
          + "\"token\": \"S1-token\", \"api_key\": \"S2-apikey\", \"snmp_auth_key\": \"S3-snmpauth\","
          + " \"ipmi_password_old\": \"S4-oldpw\", \"creds\": {\"password\": \"S5-nested\","
          + " \"user\": \"admin\"}, \"bmcs\": [{\"Private_Key\": \"S8-private\"},"
          + " \"--password S10-listed\"], \"ipmi_address\": \"10.0.0.1\"},"
          + " \"instance_info\": {\"configdrive\": \"S6-configdrive\", \"admin_pass\":"
          + " \"S7-adminpass\", \"image_source\": \"/var/lib/ferrum/images/a.qcow2\"}}";

  private TestServer api;
  private final InMemoryNotificationSink notifications = new InMemoryNotificationSink();

  @BeforeEach
  void start() throws Exception {
    TestServer.Options options = new TestServer.Options().sink(notifications);
    options.workers = new SynchronousWorkerPool();
    api = new TestServer(options);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private static void assertNoSecret(String text) {
    for (String secret : SECRETS) {
      assertThat(text).as(secret).doesNotContain(secret);
    }
  }

  @Test
  void everyResponse_masksEveryIronicSecret_atAnyDepth() throws Exception {
    Reply created = api.call("POST", "/v1/nodes", "1.78", NODE);
    assertThat(created.status()).isEqualTo(201);
    Reply maintenance =
        api.call(
            "PUT",
            "/v1/nodes/secrets-1/maintenance",
            "1.78",
            "{\"reason\": \"BMC login password=S9-reason expired\"}");
    assertThat(maintenance.status()).isEqualTo(202);
    Reply patched =
        api.call(
            "PATCH",
            "/v1/nodes/secrets-1",
            "1.78",
            "[{\"op\": \"add\", \"path\": \"/extra/owner\", \"value\": \"ops\"}]");

    List<Reply> replies =
        List.of(
            created,
            patched,
            api.get("/v1/nodes/secrets-1"),
            api.get("/v1/nodes/detail"),
            api.get("/v1/nodes?fields=driver_info,instance_info,maintenance_reason"),
            api.get("/v1/nodes/secrets-1/states"),
            api.get("/v1/nodes/secrets-1/history"));
    for (Reply reply : replies) {
      assertThat(reply.status()).isEqualTo(200 + (reply == created ? 1 : 0));
      assertNoSecret(reply.raw().body());
    }
    Reply shown = api.get("/v1/nodes/secrets-1");
    assertThat(shown.body().get("driver_info").get("token").asText()).isEqualTo("******");
    assertThat(shown.body().get("driver_info").get("creds").get("user").asText())
        .isEqualTo("admin");
    assertThat(shown.body().get("driver_info").get("ipmi_address").asText()).isEqualTo("10.0.0.1");
    assertThat(shown.body().get("instance_info").get("configdrive").asText()).isEqualTo("******");
    assertThat(shown.body().get("instance_info").get("image_source").asText())
        .isEqualTo("/var/lib/ferrum/images/a.qcow2");
    assertThat(shown.body().get("maintenance_reason").asText())
        .isEqualTo("BMC login password=****** expired");
    assertThat(api.conductor.getNode("secrets-1").driverInfo().get("token"))
        .as("stored as given")
        .isEqualTo("S1-token");
  }

  @Test
  void notifications_neverCarryASecret() throws Exception {
    api.call("POST", "/v1/nodes", "1.78", NODE);
    api.call(
        "PUT",
        "/v1/nodes/secrets-1/maintenance",
        "1.78",
        "{\"reason\": \"BMC login password=S9-reason expired\"}");

    List<Notification> sent = notifications.all();
    assertThat(sent).isNotEmpty();
    for (Notification notification : sent) {
      assertNoSecret(notification.payload().toString());
    }
  }
}
