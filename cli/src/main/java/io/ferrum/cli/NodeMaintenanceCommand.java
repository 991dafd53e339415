package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferrum node maintenance set|unset NODE}. */
@Command(
    name = "maintenance",
    mixinStandardHelpOptions = true,
    description = "Put a node in maintenance, or take it out.")
final class NodeMaintenanceCommand implements Callable<Integer> {

  /** The two actions. */
  enum Action {
    set,
    unset
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(index = "0", paramLabel = "ACTION", description = "set or unset.")
  Action action;

  @Parameters(index = "1", paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(names = "--reason", description = "Why (with set).")
  String reason;

  @Override
  public Integer call() {
    ApiClient api = client.client();
    String path = "/v1/nodes/" + ApiClient.encode(node) + "/maintenance";
    if (action == Action.set) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("reason", reason);
      api.put(path, body);
    } else {
      api.delete(path);
    }
    spec.commandLine().getOut().println("Maintenance " + action + " on node " + node);
    return 0;
  }
}
