package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ferrum node ...} against a live API server, in-process: output and exit codes. */
class NodeCommandTest {

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

  @Test
  void lifecycle_createManageProvideDeploy_withWaitAndProgress() {
    CliRun create =
        ferrum(
            "node", "create", "--driver", "fake-hardware", "--name", "c1", "--driver-info", "a=b");
    assertThat(create.code()).isZero();
    assertThat(create.out())
        .contains("| name                   | c1 ")
        .contains("| provision_state        | enroll ");

    CliRun manage = ferrum("node", "manage", "c1", "--wait", "--timeout", "30");
    assertThat(manage.code()).as(manage.err()).isZero();
    assertThat(manage.err()).contains("c1: ").contains("manageable (");
    assertThat(manage.out()).contains("| provision_state        | manageable ");
    assertThat(ferrum("node", "provide", "c1", "--wait").code()).isZero();
    CliRun deploy = ferrum("node", "deploy", "--wait", "c1", "-f", "json");
    assertThat(deploy.code()).isZero();
    assertThat(deploy.out()).contains("\"provision_state\" : \"active\"");

    CliRun list = ferrum("node", "list");
    assertThat(list.out())
        .contains("| UUID ")
        .contains("| Provisioning State |")
        .contains("| c1   | power on    | active ");
    assertThat(ferrum("node", "power", "soft-off", "c1").out())
        .isEqualTo("Requested soft power off of node c1\n");
    assertThat(ferrum("node", "history", "c1").out()).contains("deploy: available -> deploying");
    assertThat(ferrum("node", "set", "c1", "--extra", "rack=r1", "-f", "json").out())
        .contains("\"rack\" : \"r1\"");
    assertThat(ferrum("node", "maintenance", "set", "c1", "--reason", "disk").out())
        .isEqualTo("Maintenance set on node c1\n");
    assertThat(ferrum("node", "delete", "c1").out()).isEqualTo("Deleted node c1\n");
  }

  @Test
  void errors_mapToExitCodes_withTheServersMessage() {
    CliRun missing = ferrum("node", "show", "ghost");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).isEqualTo("ferrum node show: Node ghost could not be found.\n");

    ferrum("node", "create", "--driver", "fake-hardware", "--name", "c2");
    CliRun wrongState = ferrum("node", "deploy", "c2");
    assertThat(wrongState.code()).isEqualTo(2);
    assertThat(wrongState.err())
        .contains("can not be performed on node \"c2\" while it is in state \"enroll\"");

    CliRun badSteps = ferrum("node", "clean", "c2", "--clean-steps", "[oops");
    assertThat(badSteps.code()).isEqualTo(2);
    assertThat(badSteps.err()).startsWith("ferrum node clean: --clean-steps must be JSON:");

    CliRun badAction = ferrum("node", "power", "sideways", "c2");
    assertThat(badAction.code()).isEqualTo(2);
    assertThat(badAction.err())
        .contains("unknown power action 'sideways'; expected one of on, off, reboot, soft-off");
  }

  @Test
  void waitOnAFailingNode_exits1_withLastError() {
    ferrum(
        "node",
        "create",
        "--driver",
        "fake-hardware",
        "--name",
        "c3",
        "--driver-info",
        "fake_fail=clean.clean");
    assertThat(ferrum("node", "manage", "c3", "--wait").code()).isZero();

    CliRun provide = ferrum("node", "provide", "c3", "--wait");

    assertThat(provide.code()).isEqualTo(1);
    assertThat(provide.err())
        .contains(
            "ferrum node provide: node c3 ended in \"clean failed\": provision provide failed: fake clean.clean failed");
  }

  @Test
  void unreachableServer_saysSo_exit1() {
    StringWriter err = new StringWriter();
    int code =
        Ferrum.execute(
            new String[] {"node", "list", "--url", "http://127.0.0.1:1"},
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "ferrum node list: cannot reach Ferrum at http://127.0.0.1:1: is 'ferrum serve'"
                + " running? (set --url or FERRUM_URL)\n");
  }
}
