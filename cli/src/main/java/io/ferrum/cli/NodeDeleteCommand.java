package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code ferrum node delete}: each node in turn. A failure is reported and the rest are still
 * deleted; the exit code is then that of the failures (1 when they differ).
 */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description =
        "Delete nodes. A node that cannot be deleted is reported and the others are still"
            + " deleted; the command then exits with the failures' code (3 not found, 4 conflict,"
            + " ...) when they all have the same, else 1. With -f json it prints one result per"
            + " node: node, deleted and, for a failure, error.")
final class NodeDeleteCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", arity = "1..*", description = "Names or UUIDs.")
  List<String> nodes;

  @Override
  public Integer call() throws Exception {
    ApiClient api = client.client();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<JsonNode> results = new ArrayList<>();
    TreeSet<Integer> codes = new TreeSet<>();
    for (String node : nodes) {
      ObjectNode result = JsonNodeFactory.instance.objectNode().put("node", node);
      try {
        api.delete("/v1/nodes/" + ApiClient.encode(node));
        result.put("deleted", true);
        if (client.format == ClientOptions.Format.table) {
          out.println("Deleted node " + node);
        }
      } catch (ClientException e) {
        result.put("deleted", false).put("error", e.getMessage());
        codes.add(e.exitCode());
        err.println(
            spec.qualifiedName() + ": Failed to delete node " + node + ": " + e.getMessage());
      }
      results.add(result);
    }
    if (client.format == ClientOptions.Format.json) {
      client.printList(out, results, List.of(), List.of());
    }
    return codes.isEmpty() ? 0 : codes.size() == 1 ? codes.first() : Ferrum.EXIT_FAILURE;
  }
}
