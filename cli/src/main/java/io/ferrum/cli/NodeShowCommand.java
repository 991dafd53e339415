package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code ferrum node show}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one node.")
final class NodeShowCommand implements Callable<Integer> {

  static final List<String> FIELDS =
      List.of(
          "uuid",
          "name",
          "driver",
          "provision_state",
          "target_provision_state",
          "power_state",
          "target_power_state",
          "maintenance",
          "maintenance_reason",
          "last_error",
          "reservation",
          "driver_info",
          "instance_info",
          "properties",
          "extra",
          "created_at",
          "updated_at",
          "provision_updated_at");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Override
  public Integer call() throws Exception {
    client.printObject(
        spec.commandLine().getOut(),
        client.client().get("/v1/nodes/" + ApiClient.encode(node)),
        FIELDS);
    return 0;
  }
}
