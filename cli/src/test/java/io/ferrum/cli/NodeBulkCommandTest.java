package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferrum node deploy n1 n2 ... --wait}: one bulk request, a line per node as it finishes, a
 * table at the end, and a failing exit status when any node failed; and {@code --config-drive}.
 */
class NodeBulkCommandTest {

  private TestServer api;

  @BeforeEach
  void start() throws Exception {
    api = new TestServer();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private CliRun ferrum(String... args) {
    return CliRun.against(api.url, args);
  }

  private void available(String name, String... driverInfo) {
    String[] create = {"node", "create", "--driver", "fake-hardware", "--name", name};
    String[] args = new String[create.length + driverInfo.length * 2];
    System.arraycopy(create, 0, args, 0, create.length);
    for (int i = 0; i < driverInfo.length; i++) {
      args[create.length + 2 * i] = "--driver-info";
      args[create.length + 2 * i + 1] = driverInfo[i];
    }
    assertThat(ferrum(args).code()).isZero();
    assertThat(ferrum("node", "manage", name, "--wait").code()).isZero();
    assertThat(ferrum("node", "provide", name, "--wait").code()).isZero();
  }

  @Test
  void deployManyWithWait_aFailingNode_exits1_andTheTableSaysWhich() {
    available("b1");
    available("b2", "fake_fail=deploy.deploy");
    available("b3");

    CliRun deploy = ferrum("node", "deploy", "b1", "b2", "b3", "--wait", "--timeout", "60");

    assertThat(deploy.code()).as(deploy.err()).isEqualTo(1);
    assertThat(deploy.err())
        .contains("b1: active (success) (")
        .contains("b3: active (success) (")
        .contains("b2: deploy failed (error: ")
        .endsWith("ferrum node deploy: failed on 1 of 3 nodes: b2\n");
    String[] lines = deploy.out().split("\n");
    assertThat(lines[1]).matches("\\| Node \\| State +\\| Result  \\| Error +\\|");
    assertThat(lines[3]).startsWith("| b1   | active        | success | None ");
    assertThat(lines[4])
        .startsWith("| b2   | deploy failed | error   | ")
        .contains("deploy.deploy");
    assertThat(lines[5]).startsWith("| b3   | active        | success | None ");
    assertThat(lines).hasSize(7);
  }

  @Test
  void deployMany_allSucceed_exits0_andJsonListsEveryNode() {
    available("j1");
    available("j2");

    CliRun deploy = ferrum("node", "deploy", "j1", "j2", "--wait", "-f", "json");

    assertThat(deploy.code()).as(deploy.err()).isZero();
    assertThat(deploy.out())
        .contains("\"node\" : \"j1\"")
        .contains("\"node\" : \"j2\"")
        .contains("\"result\" : \"success\"")
        .doesNotContain("\"error\" : \"");
  }

  @Test
  void deployManyWithWait_aNodeStillWaitingAtTheTimeout_exits1_namingIt() {
    available("t1");
    available("t2", "fake_wait=deploy.deploy");

    CliRun deploy = ferrum("node", "deploy", "t1", "t2", "--wait", "--timeout", "5");

    assertThat(deploy.code()).as(deploy.err()).isEqualTo(1);
    assertThat(deploy.err())
        .contains("t1: active (success) (")
        .doesNotContain("t2: ")
        .containsPattern(
            "ferrum node deploy: 1 still pending after 5 s \\(bulk request [0-9a-f-]{36}\\): t2\n$");
    assertThat(deploy.out()).contains("| t2   | wait call-back | pending | None ");
  }

  @Test
  void manyWithoutWait_printsTheRequestId() {
    available("w1");
    available("w2");

    CliRun manage = ferrum("node", "undeploy", "w1", "w2");

    assertThat(manage.code()).as(manage.err()).isZero();
    assertThat(manage.out()).matches("Requested undeploy of 2 nodes: bulk request [0-9a-f-]{36}\n");
  }

  @Test
  void configDrive_fromAFile_orAString_reachesTheServer(@TempDir Path dir) throws Exception {
    available("c1");
    available("c2");
    available("c3");
    Path file = dir.resolve("drive.json");
    Files.writeString(file, "{\"meta_data\": {\"hostname\": \"c1\"}}\n");
    Path encoded = dir.resolve("drive.b64");
    Files.writeString(encoded, "H4sIAAAAencoded\n");

    assertThat(ferrum("node", "deploy", "c1", "--config-drive", file.toString(), "--wait").code())
        .isZero();
    assertThat(
            ferrum("node", "deploy", "c2", "c3", "--config-drive", encoded.toString(), "--wait")
                .code())
        .isZero();

    assertThat(api.conductor().getNode("c1").instanceInfo().get("configdrive"))
        .isEqualTo(java.util.Map.of("meta_data", java.util.Map.of("hostname", "c1")));
    assertThat(api.conductor().getNode("c3").instanceInfo().get("configdrive"))
        .isEqualTo("H4sIAAAAencoded");
    CliRun directory = ferrum("node", "deploy", "c1", "c2", "--config-drive", dir.toString());
    assertThat(directory.code()).isEqualTo(2);
    assertThat(directory.err()).contains("--config-drive names a directory");
  }

  @Test
  void configDrive_largerThanTheServerTakes_showsTheRefusal_exit2(@TempDir Path dir)
      throws Exception {
    available("L1");
    available("L3");
    byte[] random = new byte[2_000_000];
    new java.util.Random(7).nextBytes(random);
    Path big = dir.resolve("big.cd");
    Files.writeString(big, java.util.Base64.getEncoder().encodeToString(random));

    for (String[] nodes : new String[][] {{"L1", "L3"}, {"L1"}}) {
      String[] args = new String[nodes.length + 5];
      args[0] = "node";
      args[1] = "deploy";
      System.arraycopy(nodes, 0, args, 2, nodes.length);
      args[nodes.length + 2] = "--config-drive";
      args[nodes.length + 3] = big.toString();
      args[nodes.length + 4] = "--wait";

      CliRun deploy = ferrum(args);

      assertThat(deploy.code()).as(deploy.err()).isEqualTo(2);
      assertThat(deploy.err())
          .startsWith("ferrum node deploy: ")
          .containsPattern(
              "The request body is larger than 1048576 bytes"
                  + "|the server refused the request body \\(\\d{7} bytes\\): it is larger than the"
                  + " server accepts \\(HTTP 413\\)")
          .doesNotContain("content-length");
    }
    assertThat(api.conductor().getNode("L1").provisionState()).isEqualTo("available");
  }

  @Test
  void configDrive_aMissingPath_isRefused_butAUrlOrBase64WithSlashesIsSent() {
    for (String path : new String[] {"/nonexistent/file", "./drive.json", "~/drive.json"}) {
      CliRun missing = ferrum("node", "deploy", "m1", "m2", "--config-drive", path);
      assertThat(missing.code()).as(missing.err()).isEqualTo(2);
      assertThat(missing.err())
          .startsWith(
              "ferrum node deploy: --config-drive: no such file: "
                  + path
                  + "; give a file, a JSON object, a URL or base64 data");
    }
    available("m1");
    available("m2");
    String gzip = "H4sIAAAA/x+encoded";
    String url = "https://images.example.com/m2/drive";

    assertThat(ferrum("node", "deploy", "m1", "--config-drive", gzip, "--wait").code()).isZero();
    assertThat(ferrum("node", "deploy", "m2", "--config-drive", url, "--wait").code()).isZero();

    assertThat(api.conductor().getNode("m1").instanceInfo().get("configdrive")).isEqualTo(gzip);
    assertThat(api.conductor().getNode("m2").instanceInfo().get("configdrive")).isEqualTo(url);
  }

  @Test
  void timeout_zeroOrNegative_isAUsageError_namingTheOption() {
    String[][] runs = {
      {"node", "deploy", "a", "--timeout", "0"},
      {"node", "deploy", "a", "b", "--wait", "--timeout", "-5"},
      {"node", "manage", "a", "--wait", "--timeout", "-5"},
      {"node", "power", "soft-off", "a", "--timeout", "0"},
    };
    for (String[] run : runs) {
      CliRun refused = ferrum(run);
      assertThat(refused.code()).as(String.join(" ", run)).isEqualTo(2);
      assertThat(refused.err()).contains("--timeout must be at least 1 second, not ");
    }
  }

  @Test
  void deployManyWithWait_aNodeNotFound_hasADashForItsState() {
    available("f1");

    CliRun deploy = ferrum("node", "deploy", "f1", "nosuch", "--wait", "--timeout", "60");

    assertThat(deploy.code()).as(deploy.err()).isEqualTo(1);
    assertThat(deploy.out())
        .containsPattern("\\| nosuch \\| - +\\| error +\\| Node nosuch could not be found")
        .doesNotContain("| nosuch | None");
    assertThat(deploy.err()).contains("nosuch: - (error: Node nosuch could not be found.) (");
    CliRun json = ferrum("node", "deploy", "f1", "nosuch", "--wait", "-f", "json");
    assertThat(json.out()).contains("\"state\" : null");
  }

  @Test
  void help_saysWhatSeveralNodesDo_andTheExitStatus_configDriveOnlyWhereItApplies() {
    String deploy = ferrum("node", "deploy", "--help").out();
    assertThat(deploy)
        .contains("NODE...")
        .contains("--config-drive=CONFIG_DRIVE")
        .contains("one bulk request (POST /v1/ferrum/bulk)")
        .contains("Exit status: 0 when every node got there; 1 when any node failed or was")
        .contains("the table and the last line say which");
    assertThat(ferrum("node", "rebuild", "--help").out()).contains("--config-drive");
    assertThat(ferrum("node", "manage", "--help").out()).doesNotContain("--config-drive");
    CliRun refused = ferrum("node", "manage", "a", "--config-drive", "x");
    assertThat(refused.code()).isEqualTo(2);
  }
}
