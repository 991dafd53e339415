package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.fsm.PowerMachine;
import io.ferrum.fsm.ProvisionMachine;
import io.ferrum.fsm.export.DotExport;
import io.ferrum.fsm.export.MachineJson;
import io.ferrum.fsm.export.MermaidExport;
import org.junit.jupiter.api.Test;

/** The command line, run in-process: exact output and exit codes. */
class FerrumCommandTest {

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void fsmExport_defaults_printProvisionMachineAsJson() {
    CliRun run = run("fsm", "export");

    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).isEqualTo(MachineJson.write(ProvisionMachine.DEFINITION));
    assertThat(MachineJson.read(run.out())).isEqualTo(ProvisionMachine.DEFINITION);
  }

  @Test
  void fsmExport_machineAndFormat_anyCase() {
    assertThat(run("fsm", "export", "--machine", "power", "--format", "mermaid").out())
        .isEqualTo(MermaidExport.write(PowerMachine.DEFINITION));
    assertThat(run("fsm", "export", "-m", "PROVISION", "-f", "Dot").out())
        .isEqualTo(DotExport.write(ProvisionMachine.DEFINITION));
  }

  @Test
  void fsmExport_unknownFormat_oneLineNamingChoices_exit2() {
    CliRun run = run("fsm", "export", "--format", "svg");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "ferrum fsm export: Invalid value for option '--format': expected one of dot,"
                + " mermaid, json but was 'svg' (see 'ferrum fsm export --help')\n");
  }

  @Test
  void fsmExport_unknownMachine_oneLineNamingChoices_exit2() {
    CliRun run = run("fsm", "export", "-m", "boot");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "ferrum fsm export: Invalid value for option '--machine': expected one of"
                + " provision, power but was 'boot' (see 'ferrum fsm export --help')\n");
  }

  @Test
  void unknownOption_oneLine_exit2() {
    CliRun run = run("fsm", "export", "--colour");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "ferrum fsm export: Unknown option: '--colour' (see 'ferrum fsm export --help')\n");
  }

  @Test
  void noCommand_saysSo_exit2() {
    assertThat(run())
        .isEqualTo(new CliRun(2, "", "ferrum: missing a command (see 'ferrum --help')\n"));
    assertThat(run("fsm").err())
        .isEqualTo("ferrum fsm: missing a subcommand: export or docs (see 'ferrum fsm --help')\n");
  }

  @Test
  void help_listsCommandsAndOptions() {
    CliRun top = run("--help");
    CliRun export = run("fsm", "export", "--help");

    assertThat(top.code()).isZero();
    assertThat(top.out()).startsWith("Usage: ferrum [-hV] [COMMAND]\n").contains("  fsm   ");
    assertThat(export.code()).isZero();
    assertThat(export.out())
        .contains("-f, --format=<format>     Output format: dot, mermaid, json (default: json).")
        .contains("Which machine: provision, power (default:");
  }

  @Test
  void version_namesFerrumAndJava() {
    CliRun run = run("--version");

    assertThat(run.code()).isZero();
    assertThat(run.out()).matches("(?s)ferrum \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\nJava .*\n");
  }

  @Test
  void clientCommands_urlThatIsNotHttp_oneLineUsageError_exit2_beforeAnyRequest() {
    for (String url : new String[] {"not-a-url", "ftp://host", "http://", "http://h:1/?a=b"}) {
      CliRun run = run("node", "list", "--url", url);

      assertThat(run.code()).as(url).isEqualTo(2);
      assertThat(run.err())
          .as(url)
          .isEqualTo(
              "ferrum node list: --url (or FERRUM_URL) must be an http:// or https:// URL such as"
                  + " http://127.0.0.1:6385, not '"
                  + url
                  + "'\n");
    }
  }

  @Test
  void nodeList_unknownProvisionState_namesTheStates_exit2() {
    CliRun run =
        run("node", "list", "--provision-state", "nonsense", "--url", "http://127.0.0.1:1");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("ferrum node list: --provision-state must be one of enroll, manageable,")
        .contains("wait call-back")
        .endsWith(", not 'nonsense' (see 'ferrum node list --help')\n");
  }

  @Test
  void verbHelp_offersOnlyTheVerbsOwnOptions_andKeepsTheUrlWhole() {
    String deploy = run("node", "deploy", "--help").out();
    String clean = run("node", "clean", "--help").out();
    String rescue = run("node", "rescue", "--help").out();

    assertThat(deploy).doesNotContain("--clean-steps", "--rescue-password", "--service-steps");
    assertThat(deploy).containsPattern("http://[0-9.:a-z]+\\)");
    assertThat(clean).contains("--clean-steps").doesNotContain("--rescue-password");
    assertThat(rescue).contains("--rescue-password").doesNotContain("--clean-steps");
    // The API stops at 1.78; service needs 1.87, so the verb is not offered.
    assertThat(run("node", "service", "n1").code()).isEqualTo(2);
  }

  @Test
  void malformedMapOption_saysOptionOnce() {
    CliRun run = run("node", "create", "--driver", "fake-hardware", "--property", "x");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .contains("Value for option '--property' (KEY=VALUE) should be in KEY=VALUE format")
        .doesNotContain("option option");
  }

  @Test
  void nodeList_followsTheNextLinkByItsPath_whateverAddressTheServerSawItsClientsBy() {
    assertThat(NodeListCommand.nextPath("http://127.0.0.1:6385/v1/nodes?limit=1000&marker=a%20b"))
        .isEqualTo("/v1/nodes?limit=1000&marker=a%20b");
    // --url http://u:p@host:6385 or a proxy's https URL: the server's link names another address.
    assertThat(NodeListCommand.nextPath("http://ferrum.internal:6385/v1/nodes?marker=x"))
        .isEqualTo("/v1/nodes?marker=x");
  }

  @Test
  void clientCommands_portOutOfRange_usageError_exit2() {
    CliRun run = run("node", "list", "--url", "http://127.0.0.1:99999");

    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "ferrum node list: --url (or FERRUM_URL) names port 99999; ports go up to 65535\n");
  }
}
