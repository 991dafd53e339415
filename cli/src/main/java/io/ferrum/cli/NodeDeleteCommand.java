package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferrum node delete}. */
@Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete nodes.")
final class NodeDeleteCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", arity = "1..*", description = "Names or UUIDs.")
  List<String> nodes;

  @Override
  public Integer call() {
    for (String node : nodes) {
      client.client().delete("/v1/nodes/" + ApiClient.encode(node));
      spec.commandLine().getOut().println("Deleted node " + node);
    }
    return 0;
  }
}
