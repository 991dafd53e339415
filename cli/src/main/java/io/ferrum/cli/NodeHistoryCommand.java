package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferrum node history NODE}. */
@Command(name = "history", mixinStandardHelpOptions = true, description = "Show a node's history.")
final class NodeHistoryCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Override
  public Integer call() throws Exception {
    JsonNode history =
        client.client().get("/v1/nodes/" + ApiClient.encode(node) + "/history?detail=true");
    List<JsonNode> rows = new ArrayList<>();
    history.get("history").forEach(rows::add);
    client.printList(
        spec.commandLine().getOut(),
        rows,
        List.of("created_at", "severity", "event_type", "event", "conductor"),
        List.of("Created At", "Severity", "Type", "Event", "Conductor"));
    return 0;
  }
}
