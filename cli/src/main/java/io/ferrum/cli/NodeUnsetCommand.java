package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferrum node unset}: JSON Patch {@code remove} operations, with {@code node set}'s option
 * names taking a KEY each.
 */
@Command(
    name = "unset",
    mixinStandardHelpOptions = true,
    description = "Remove a node's fields, or entries of its JSON documents.")
final class NodeUnsetCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(names = "--name", description = "Remove the node's name.")
  boolean name;

  @Option(
      names = "--driver-info",
      paramLabel = "KEY",
      description = "A driver_info key to remove; repeatable.")
  List<String> driverInfo = new ArrayList<>();

  @Option(
      names = "--instance-info",
      paramLabel = "KEY",
      description = "An instance_info key to remove; repeatable.")
  List<String> instanceInfo = new ArrayList<>();

  @Option(
      names = "--property",
      paramLabel = "KEY",
      description = "A properties key to remove; repeatable.")
  List<String> properties = new ArrayList<>();

  @Option(
      names = "--extra",
      paramLabel = "KEY",
      description = "An extra key to remove; repeatable.")
  List<String> extra = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    // Each path sent, with the option and key that asked for it, to name them in an error.
    Map<String, String> paths = new LinkedHashMap<>();
    if (name) {
      paths.put("/name", "--name");
    }
    add(paths, "--driver-info", "driver_info", driverInfo);
    add(paths, "--instance-info", "instance_info", instanceInfo);
    add(paths, "--property", "properties", properties);
    add(paths, "--extra", "extra", extra);
    if (paths.isEmpty()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "nothing to unset; give --name, --driver-info, --instance-info, --property or --extra");
    }
    List<Map<String, Object>> patch = new ArrayList<>();
    for (String path : paths.keySet()) {
      patch.add(Map.of("op", "remove", "path", path));
    }
    try {
      client.printObject(
          spec.commandLine().getOut(),
          client.client().patch("/v1/nodes/" + ApiClient.encode(node), patch),
          NodeShowCommand.FIELDS);
    } catch (ClientException e) {
      throw named(e, paths);
    }
    return 0;
  }

  private void add(Map<String, String> paths, String option, String field, List<String> keys) {
    for (String key : keys) {
      if (key.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), option + " needs a non-empty KEY, not '" + key + "'");
      }
      paths.put("/" + field + "/" + NodeSetCommand.pointer(key), option + " " + key);
    }
  }

  /** {@code e} with the option and key of the path the server's message quotes, if any. */
  private static ClientException named(ClientException e, Map<String, String> paths) {
    for (Map.Entry<String, String> path : paths.entrySet()) {
      if (e.getMessage() != null && e.getMessage().contains("\"" + path.getKey() + "\"")) {
        return new ClientException(e.status(), path.getValue() + ": " + e.getMessage());
      }
    }
    return e;
  }
}
