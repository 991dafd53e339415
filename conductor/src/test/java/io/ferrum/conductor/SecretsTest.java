package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The masking rule: oslo.utils' key list, any case, any depth; free text like mask_password. */
class SecretsTest {

  /** oslo.utils strutils._SANITIZE_KEYS, written out here so a shortened list fails this test. */
  private static final List<String> OSLO_KEYS =
      List.of(
          "adminpass",
          "admin_pass",
          "password",
          "admin_password",
          "auth_token",
          "new_pass",
          "auth_password",
          "secret_uuid",
          "secret",
          "sys_pswd",
          "token",
          "configdrive",
          "chappassword",
          "encrypted_key",
          "private_key",
          "fernetkey",
          "sslkey",
          "passphrase",
          "cephclusterfsid",
          "octaviaheartbeatkey",
          "rabbitcookie",
          "cephmanilaclientkey",
          "pacemakerremoteauthkey",
          "designaterndckey",
          "cephadminkey",
          "heatauthencryptionkey",
          "cephclientkey",
          "keystonecredential",
          "barbicansimplecryptokek",
          "cephrgwkey",
          "swifthashsuffix",
          "migrationsshkey",
          "cephmdskey",
          "cephmonkey");

  @Test
  void mask_everyOsloKey_inAnyCase_asPartOfALongerKey() {
    assertThat(Secrets.KEYS).containsAll(OSLO_KEYS);
    for (String key : OSLO_KEYS) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put(key, "v1");
      document.put("ipmi_" + key.toUpperCase() + "_old", "v2");
      document.put("address", "10.0.0.1");

      Map<String, Object> masked = Secrets.mask(document);

      assertThat(masked)
          .as(key)
          .containsEntry(key, "******")
          .containsEntry("ipmi_" + key.toUpperCase() + "_old", "******")
          .containsEntry("address", "10.0.0.1");
    }
  }

  @Test
  void mask_theKeysFoundInClearOnTheApi() {
    Map<String, Object> driverInfo = new LinkedHashMap<>();
    driverInfo.put("token", "S1-t0ken");
    driverInfo.put("api_key", "S2-k3y");
    driverInfo.put("snmp_auth_key", "S3-auth");
    driverInfo.put("snmp_priv_key", "S4-priv");
    driverInfo.put("ipmi_password_old", "S5-old");
    driverInfo.put("ssh_key_contents", "S6-----BEGIN");
    driverInfo.put("IPMI_PASSWORD", "S7-upper");
    driverInfo.put("creds", Map.of("password", "S8-nested", "user", "admin"));
    driverInfo.put("ipmi_address", "10.0.0.1");

    Map<String, Object> masked = Secrets.mask(driverInfo);

    assertThat(masked.toString()).doesNotContain("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8");
    assertThat(masked).containsEntry("ipmi_address", "10.0.0.1");
    assertThat(masked.get("creds")).isEqualTo(Map.of("password", "******", "user", "admin"));
  }

  @Test
  void mask_recursesIntoMapsAndLists_withoutChangingTheOriginal() {
    Map<String, Object> document =
        Map.of(
            "bmcs",
            List.of(Map.of("host", "a", "password", "p1"), Map.of("host", "b", "Token", "t1")),
            "args",
            List.of("--password p2", "plain", List.of(Map.of("secret", Map.of("deep", "p3")))),
            "count",
            3,
            "whole",
            Map.of("private_key_data", Map.of("n", "1")));

    Map<String, Object> masked = Secrets.mask(document);

    assertThat(masked.toString()).doesNotContain("p1", "t1", "p2", "p3", "n=1");
    assertThat(masked.toString()).contains("host=a", "host=b", "plain", "count=3");
    assertThat(masked.get("whole")).isEqualTo(Map.of("private_key_data", "******"));
    assertThat(document.toString()).contains("p1", "p2", "p3");
  }

  @Test
  void maskInstanceInfo_alwaysHidesConfigdriveAndImageUrl() {
    Map<String, Object> info =
        Map.of(
            "configdrive", "H4sICAAAAAAAA",
            "image_url", "https://swift/v1/x?temp_url_sig=abc",
            "admin_pass", "hunter2",
            "image_source", "/var/lib/ferrum/images/a.qcow2");

    Map<String, Object> masked = Secrets.maskInstanceInfo(info);

    assertThat(masked)
        .containsEntry("configdrive", "******")
        .containsEntry("image_url", "******")
        .containsEntry("admin_pass", "******")
        .containsEntry("image_source", "/var/lib/ferrum/images/a.qcow2");
  }

  @Test
  void maskText_masksAssignmentsLikeOslosMaskPassword() {
    assertThat(Secrets.maskText("'adminPass' : 'aaaaa'")).isEqualTo("'adminPass' : '******'");
    assertThat(Secrets.maskText("\"password\" : \"aaaaa\"")).isEqualTo("\"password\" : \"******\"");
    assertThat(Secrets.maskText("'original_password' : 'aaaaa'"))
        .isEqualTo("'original_password' : '******'");
    assertThat(Secrets.maskText("ipmitool -U admin --password s3cret -H 10.0.0.1"))
        .isEqualTo("ipmitool -U admin --password ****** -H 10.0.0.1");
    assertThat(Secrets.maskText("connect to qemu+ssh://h/system?password=abc failed"))
        .isEqualTo("connect to qemu+ssh://h/system?password=****** failed");
    assertThat(Secrets.maskText("<ChapPassword>xyz</ChapPassword>"))
        .isEqualTo("<ChapPassword>******</ChapPassword>");
    assertThat(Secrets.maskText("sys_pswd = 'q'")).isEqualTo("sys_pswd = '******'");
    assertThat(Secrets.maskText("power on failed: BMC timeout"))
        .isEqualTo("power on failed: BMC timeout");
    assertThat(Secrets.maskText(null)).isNull();
  }

  @Test
  void maskText_longTextThatMentionsAKey_isMaskedWhole() {
    String huge = "x".repeat(70_000) + " password=abc";

    assertThat(Secrets.maskText(huge)).isEqualTo("******");
    assertThat(Secrets.maskText("y".repeat(70_000))).hasSize(70_000);
  }

  @Test
  void notificationsAndHistoryRows_areMaskedWhenMade() {
    Notification notification =
        new Notification(
            "baremetal.node.update.end",
            "INFO",
            "ferrum-conductor.c1",
            Instant.EPOCH,
            Map.of(
                "last_error", "login with password=hunter2 failed", "extra", Map.of("token", "t")));
    HistoryEvent row =
        new HistoryEvent(
            "u",
            "c1",
            "fault",
            null,
            null,
            null,
            null,
            "ERROR",
            "token=abc rejected",
            null,
            null,
            Instant.EPOCH);

    assertThat(notification.payload().toString()).doesNotContain("hunter2", "=t");
    assertThat(row.message()).isEqualTo("token=****** rejected");
  }

  @Test
  void node_masksDriverAndInstanceInfo() {
    Node node =
        new Node(
            1,
            "u",
            null,
            "fake-hardware",
            Map.of("ipmi_password", "p", "ipmi_address", "a"),
            Map.of(),
            Map.of("configdrive", "cd", "image_source", "/i"),
            Map.of(),
            Map.of(),
            "enroll",
            null,
            null,
            null,
            null,
            null,
            null,
            false,
            null,
            null,
            null,
            Instant.EPOCH,
            null,
            1,
            "",
            NodeAttributes.NONE,
            null,
            null,
            null,
            null);

    assertThat(node.maskedDriverInfo())
        .isEqualTo(Map.of("ipmi_password", "******", "ipmi_address", "a"));
    assertThat(node.maskedInstanceInfo())
        .isEqualTo(Map.of("configdrive", "******", "image_source", "/i"));
    assertThat(Node.isSecret("Snmp_Auth_Key")).isTrue();
  }
}
