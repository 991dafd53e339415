package io.ferrum.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer;
import io.ferrum.conductor.PatchOperation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ferrum node unset}, {@code --fields}, {@code --long}, deleting several nodes, {@code -V}
 * and malformed KEY=VALUE options, against a live API server in-process.
 */
class NodeFieldsCommandTest {

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

  private void create(String name, String... more) {
    String[] head = {"node", "create", "--driver", "fake-hardware", "--name"};
    String[] args = new String[6 + more.length];
    System.arraycopy(head, 0, args, 0, 5);
    args[5] = name;
    System.arraycopy(more, 0, args, 6, more.length);
    CliRun created = ferrum(args);
    assertThat(created.code()).as(created.err()).isZero();
  }

  @Test
  void unset_removesEntriesAndTheName() {
    create(
        "u1",
        "--property",
        "cpus=4",
        "--property",
        "ram=8",
        "--extra",
        "rack=r1",
        "--driver-info",
        "a/b=c");

    CliRun unset =
        ferrum(
            "node",
            "unset",
            "u1",
            "--property",
            "cpus",
            "--extra",
            "rack",
            "--driver-info",
            "a/b",
            "-f",
            "json");

    assertThat(unset.code()).as(unset.err()).isZero();
    assertThat(unset.out())
        .contains("\"ram\" : \"8\"")
        .doesNotContain("cpus")
        .doesNotContain("rack")
        .doesNotContain("a/b")
        .contains("\"name\" : \"u1\"");
    CliRun unnamed = ferrum("node", "unset", "u1", "--name", "-f", "json");
    assertThat(unnamed.code()).as(unnamed.err()).isZero();
    assertThat(unnamed.out()).contains("\"name\" : null");
  }

  @Test
  void unset_theNodesOtherFields_asBaremetalDoes() {
    create("u4");
    api.conductor()
        .updateNode(
            "u4",
            java.util.List.of(
                new PatchOperation("add", "/owner", "tenant-a"),
                new PatchOperation("add", "/lessee", "tenant-b"),
                new PatchOperation("add", "/description", "rack 7"),
                new PatchOperation("add", "/resource_class", "gold"),
                new PatchOperation("add", "/conductor_group", "east"),
                new PatchOperation("add", "/retired", true),
                new PatchOperation("add", "/retired_reason", "old")));

    CliRun unset =
        ferrum(
            "node",
            "unset",
            "u4",
            "--owner",
            "--lessee",
            "--description",
            "--resource-class",
            "--conductor-group",
            "--retired",
            "--retired-reason",
            "--deploy-interface",
            "-f",
            "json");

    assertThat(unset.code()).as(unset.err()).isZero();
    assertThat(unset.out())
        .contains("\"owner\" : null")
        .contains("\"lessee\" : null")
        .contains("\"description\" : null")
        .contains("\"resource_class\" : null")
        .contains("\"conductor_group\" : \"\"")
        .contains("\"retired\" : false")
        .contains("\"retired_reason\" : null")
        .containsPattern("\"deploy_interface\" : \"[a-z-]+\"");
    String help = ferrum("node", "unset", "--help").out();
    assertThat(help)
        .contains("--owner")
        .contains("--protected-reason")
        .contains("--vendor-interface")
        .contains("--protected and --retired set the flag to")
        .contains("The driver cannot be removed.");
  }

  @Test
  void unset_protected_unprotectsADeployedNode() {
    create("u5");
    for (String verb : new String[] {"manage", "provide", "deploy"}) {
      CliRun moved = ferrum("node", verb, "u5", "--wait");
      assertThat(moved.code()).as(moved.err()).isZero();
    }
    api.conductor()
        .updateNode(
            "u5",
            java.util.List.of(
                new PatchOperation("add", "/protected", true),
                new PatchOperation("add", "/protected_reason", "production")));

    CliRun unset = ferrum("node", "unset", "u5", "--protected", "--protected-reason", "-f", "json");

    assertThat(unset.code()).as(unset.err()).isZero();
    assertThat(unset.out())
        .contains("\"protected\" : false")
        .contains("\"protected_reason\" : null");
    assertThat(api.conductor().getNode("u5").attributes().isProtected()).isFalse();
  }

  @Test
  void unset_aKeyTheNodeDoesNotHave_namesTheOptionAndKey_exit2() {
    create("u2", "--property", "cpus=4");

    CliRun unset = ferrum("node", "unset", "u2", "--property", "cpus", "--property", "gpus");

    assertThat(unset.code()).isEqualTo(2);
    assertThat(unset.err())
        .startsWith("ferrum node unset: --property gpus: ")
        .contains("\"/properties/gpus\" does not exist");
    // The patch is one request: nothing was removed.
    assertThat(ferrum("node", "show", "u2", "-f", "json").out()).contains("\"cpus\" : \"4\"");
  }

  @Test
  void unset_withNothingOrAnEmptyKey_isAUsageError() {
    create("u3");

    CliRun nothing = ferrum("node", "unset", "u3");
    assertThat(nothing.code()).isEqualTo(2);
    assertThat(nothing.err()).startsWith("ferrum node unset: nothing to unset");

    CliRun empty = ferrum("node", "unset", "u3", "--extra", "");
    assertThat(empty.code()).isEqualTo(2);
    assertThat(empty.err()).startsWith("ferrum node unset: --extra needs a non-empty KEY");
  }

  @Test
  void list_fields_showsJustThoseColumns_andAsksTheServerForThem() {
    create("l1");

    CliRun list = ferrum("node", "list", "--fields", "name,driver");

    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out().lines().toList())
        .contains("| Name | Driver        |", "| l1   | fake-hardware |");
    assertThat(list.out()).doesNotContain("UUID").doesNotContain("Provisioning State");
    CliRun json = ferrum("node", "list", "--fields", "name", "--fields", "driver", "-f", "json");
    assertThat(json.out()).contains("\"driver\" : \"fake-hardware\"").doesNotContain("power_state");
  }

  @Test
  void list_fields_unknownName_isAUsageError_namingIt() {
    CliRun list = ferrum("node", "list", "--fields", "name,colour");

    assertThat(list.code()).isEqualTo(2);
    assertThat(list.err()).startsWith("ferrum node list: --fields: 'colour' is not a node field");
  }

  @Test
  void list_long_isTheDetailedView() {
    create("l2", "--property", "cpus=4");
    ferrum("node", "maintenance", "set", "l2", "--reason", "disk");

    CliRun list = ferrum("node", "list", "--long");

    assertThat(list.code()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("| Driver ")
        .contains("| Target Provision State ")
        .contains("| Maintenance Reason ")
        .contains("| fake-hardware ")
        .contains("| disk ");
    assertThat(ferrum("node", "list", "--long", "-f", "json").out()).contains("\"cpus\" : \"4\"");
    CliRun both = ferrum("node", "list", "--long", "--fields", "name");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--long and --fields cannot be used together");
  }

  @Test
  void show_fields_showsJustThoseRows() {
    create("s1");

    CliRun show = ferrum("node", "show", "s1", "--fields", "provision_state,name");

    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out().lines().filter(l -> l.startsWith("| ")).toList())
        .containsExactly(
            "| Field           | Value  |",
            "| provision_state | enroll |",
            "| name            | s1     |");
    assertThat(ferrum("node", "show", "s1", "--fields", "nom").code()).isEqualTo(2);
  }

  @Test
  void delete_goesOnAfterAFailure_reportsIt_andExitsWithItsCode() {
    create("d1");
    create("d2");

    CliRun delete = ferrum("node", "delete", "d1", "ghost", "d2");

    assertThat(delete.code()).isEqualTo(3);
    assertThat(delete.out()).isEqualTo("Deleted node d1\nDeleted node d2\n");
    assertThat(delete.err())
        .isEqualTo(
            "ferrum node delete: Failed to delete node ghost: Node ghost could not be found.\n");
    assertThat(ferrum("node", "show", "d2").code()).isEqualTo(3);
  }

  @Test
  void delete_json_printsAResultPerNode() {
    create("d3");

    CliRun delete = ferrum("node", "delete", "ghost", "d3", "-f", "json");

    assertThat(delete.code()).isEqualTo(3);
    assertThat(delete.out().replaceAll("\\s+", ""))
        .isEqualTo(
            "[{\"node\":\"ghost\",\"deleted\":false,\"error\":\"Nodeghostcouldnotbefound.\"},"
                + "{\"node\":\"d3\",\"deleted\":true}]");
    assertThat(ferrum("node", "delete", "d3").code()).isEqualTo(3);
  }

  @Test
  void version_worksOnEveryCommand() {
    CliRun top = CliRun.of("-V");
    assertThat(top.code()).isZero();
    assertThat(top.out()).startsWith("ferrum ");
    for (String[] args :
        new String[][] {{"node", "-V"}, {"node", "list", "-V"}, {"node", "deploy", "--version"}}) {
      CliRun sub = CliRun.of(args);
      assertThat(sub.code()).isZero();
      assertThat(sub.out()).as(String.join(" ", args)).isEqualTo(top.out());
    }
  }

  @Test
  void emptyKeyOrNoEquals_isAUsageError_andSendsNothing() {
    create("k1");

    CliRun set = ferrum("node", "set", "k1", "--property", "=v");
    assertThat(set.code()).isEqualTo(2);
    assertThat(set.err())
        .startsWith("ferrum node set: --property needs KEY=VALUE with a non-empty KEY, not '=v'");

    CliRun info = ferrum("node", "create", "--driver", "fake-hardware", "--driver-info", "=v");
    assertThat(info.code()).isEqualTo(2);
    assertThat(info.err()).startsWith("ferrum node create: --driver-info needs KEY=VALUE");

    CliRun noEquals = ferrum("node", "set", "k1", "--extra", "rack");
    assertThat(noEquals.code()).isEqualTo(2);
    assertThat(noEquals.err()).contains("'--extra'").contains("KEY=VALUE").contains("rack");

    // Nothing reached the server: one node, with no properties or extra.
    CliRun list = ferrum("node", "list", "--fields", "name,properties,extra");
    assertThat(list.out().lines().filter(l -> l.startsWith("| ")).toList())
        .containsExactly("| Name | Properties | Extra |", "| k1   | {}         | {}    |");
  }
}
