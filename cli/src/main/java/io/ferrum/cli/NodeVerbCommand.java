package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.cli.client.ApiClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One provision verb ({@code ferrum node deploy NODE...}, ...). For one node: {@code PUT
 * /v1/nodes/NODE/states/provision}, then with {@code --wait} follow the node until it gets there.
 * For several: one bulk request ({@code POST /v1/ferrum/bulk}), then with {@code --wait} follow the
 * request until every node has its result, and print them all.
 */
@Command(mixinStandardHelpOptions = true, modelTransformer = NodeVerbCommand.ItsOwnOptions.class)
final class NodeVerbCommand implements Callable<Integer> {

  /** The verbs that take a config drive. */
  private static final Set<String> CONFIG_DRIVE_VERBS = Set.of("active", "rebuild");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(
      paramLabel = "NODE",
      arity = "1..*",
      description = "Names or UUIDs; more than one makes one bulk request.")
  List<String> nodes;

  @Option(
      names = "--wait",
      description = "Wait until the nodes get there (or fail), showing their progress.")
  boolean wait;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "With --wait: give up after SECONDS, at least 1 (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(
      names = "--clean-steps",
      paramLabel = "JSON",
      description = "For clean: the steps, as a JSON array.")
  String cleanSteps;

  @Option(
      names = "--rescue-password",
      paramLabel = "PASSWORD",
      description = "For rescue: the password of the rescue environment.")
  String rescuePassword;

  @Option(
      names = "--config-drive",
      paramLabel = "CONFIG_DRIVE",
      description = {
        "A gzipped, base64-encoded config drive image, a URL,",
        "a JSON object (meta_data, network_data, user_data,",
        "vendor_data), or the path of a local file holding",
        "one of them (read here, not by the server). A value",
        "that looks like a path (it has a '/' or starts with",
        "'.' or '~') must name a file, unless it is an http://",
        "or https:// URL or base64 data (a gzipped image",
        "encoded starts H4sI; other base64 needs 64 or more",
        "characters and must not start with '/')."
      })
  String configDrive;

  private final String target;
  private final String expected;

  NodeVerbCommand(String target, String expected) {
    this.target = target;
    this.expected = expected;
  }

  @Override
  public Integer call() throws Exception {
    ClientOptions.positive(spec.commandLine(), "--timeout", timeout);
    Map<String, Object> args = new LinkedHashMap<>();
    if (cleanSteps != null) {
      args.put("clean_steps", json("--clean-steps", cleanSteps));
    }
    if (rescuePassword != null) {
      args.put("rescue_password", rescuePassword);
    }
    if (configDrive != null) {
      args.put("configdrive", ConfigDriveArgument.read(spec.commandLine(), configDrive));
    }
    ApiClient api = client.client();
    if (nodes.size() > 1) {
      return bulk(api, args);
    }
    String node = nodes.get(0);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", target);
    body.putAll(args);
    api.put("/v1/nodes/" + ApiClient.encode(node) + "/states/provision", body);
    if (!wait) {
      spec.commandLine().getOut().println("Requested " + spec.name() + " of node " + node);
      return 0;
    }
    JsonNode done =
        NodeWaiter.await(
            api, node, expected, Duration.ofSeconds(timeout), spec.commandLine().getErr());
    client.printObject(spec.commandLine().getOut(), done, NodeShowCommand.FIELDS);
    return 0;
  }

  /** Several nodes: one bulk request; with --wait, every node's result in a table. */
  private int bulk(ApiClient api, Map<String, Object> args) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("verb", target);
    body.put("nodes", nodes);
    if (!args.isEmpty()) {
      body.put("args", args);
    }
    String id = api.post("/v1/ferrum/bulk", body).get("request_id").asText();
    if (!wait) {
      spec.commandLine()
          .getOut()
          .println(
              "Requested " + spec.name() + " of " + nodes.size() + " nodes: bulk request " + id);
      return 0;
    }
    NodeWaiter.BulkOutcome outcome =
        NodeWaiter.awaitBulk(api, id, Duration.ofSeconds(timeout), spec.commandLine().getErr());
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode row : outcome.request().get("nodes")) {
      // A node that was not found has no state: a dash in the table, null in JSON.
      JsonNode state = row.get("state");
      if (client.format == ClientOptions.Format.table
          && (state == null || state.isNull())
          && row instanceof ObjectNode object) {
        object.put("state", NodeWaiter.NO_STATE);
      }
      rows.add(row);
    }
    client.printList(
        spec.commandLine().getOut(),
        rows,
        List.of("node", "state", "result", "error"),
        List.of("Node", "State", "Result", "Error"));
    if (outcome.failed().isEmpty() && outcome.pending().isEmpty()) {
      return 0;
    }
    spec.commandLine()
        .getErr()
        .println(
            spec.qualifiedName()
                + ": "
                + (outcome.failed().isEmpty()
                    ? ""
                    : "failed on "
                        + outcome.failed().size()
                        + " of "
                        + nodes.size()
                        + " nodes: "
                        + String.join(", ", outcome.failed()))
                + (outcome.failed().isEmpty() || outcome.pending().isEmpty() ? "" : "; ")
                + (outcome.pending().isEmpty()
                    ? ""
                    : outcome.pending().size()
                        + " still pending after "
                        + timeout
                        + " s (bulk request "
                        + id
                        + "): "
                        + String.join(", ", outcome.pending())));
    return Ferrum.EXIT_FAILURE;
  }

  private JsonNode json(String option, String text) {
    try {
      return ApiClient.encodeJson(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be JSON: " + e.getMessage());
    }
  }

  /**
   * Keeps {@code --config-drive} to the verbs that take it, and says in the footer what several
   * nodes do and what the exit status means.
   */
  static final class ItsOwnOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec command) {
      NodeVerbCommand verb = (NodeVerbCommand) command.userObject();
      if (!CONFIG_DRIVE_VERBS.contains(verb.target)) {
        command.remove(command.findOption("--config-drive"));
      }
      command
          .usageMessage()
          .footer(
              "",
              "With more than one NODE the nodes go in one bulk request (POST /v1/ferrum/bulk)"
                  + " and run in parallel on the server. --wait then prints a line as each node"
                  + " finishes, and a table of every node's final state and result or error at"
                  + " the end.",
              "",
              "Exit status: 0 when every node got there; 1 when any node failed or was still"
                  + " pending at --timeout (the table and the last line say which); 2 for a"
                  + " usage error or a request the server refused; 3 for a node not found (one"
                  + " node); 4 for a locked or busy node (one node); 5 when the server says to"
                  + " try again later.");
      return command;
    }
  }
}
