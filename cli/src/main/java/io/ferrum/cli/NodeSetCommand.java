package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import io.ferrum.driver.HardwareInterfaces;
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
 * {@code ferrum node set}: JSON Patch {@code add} operations, and the target RAID configuration
 * ({@code PUT /v1/nodes/{node}/states/raid}), set first, as {@code baremetal node set} does.
 */
@Command(
    name = "set",
    mixinStandardHelpOptions = true,
    modelTransformer = NodeSetCommand.InterfaceOptions.class,
    description = "Change a node's fields.")
final class NodeSetCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(names = "--name", description = "New name.")
  String name;

  @Option(names = "--driver", description = "New hardware type.")
  String driver;

  @Mixin NodeDocumentOptions documents;

  @Option(
      names = "--target-raid-config",
      paramLabel = "JSON|FILE",
      description = {
        "The target RAID configuration: a JSON object, the path",
        "of a local file holding one (read here, not by the",
        "server), or - to read it from standard input. {}",
        "clears it. Needs a RAID interface other than no-raid",
        "(fake-hardware: --raid-interface fake). Set first."
      })
  String targetRaidConfig;

  @Override
  public Integer call() throws Exception {
    List<Map<String, Object>> patch = new ArrayList<>();
    if (name != null) {
      patch.add(op("/name", name));
    }
    if (driver != null) {
      patch.add(op("/driver", driver));
    }
    for (String iface : HardwareInterfaces.NAMES) {
      String chosen = spec.findOption(HardwareInterfaceOptions.name(iface)).getValue();
      if (chosen != null) {
        patch.add(op("/" + iface + "_interface", chosen));
      }
    }
    documents
        .byField()
        .forEach(
            (field, entries) ->
                entries.forEach((k, v) -> patch.add(op("/" + field + "/" + pointer(k), v))));
    if (patch.isEmpty() && targetRaidConfig == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "nothing to set");
    }
    String path = "/v1/nodes/" + ApiClient.encode(node);
    if (targetRaidConfig != null) {
      client
          .client()
          .put(
              path + "/states/raid",
              JsonObjectArgument.read(
                  spec.commandLine(), "--target-raid-config", targetRaidConfig, System.in));
    }
    client.printObject(
        spec.commandLine().getOut(),
        patch.isEmpty() ? client.client().get(path) : client.client().patch(path, patch),
        NodeShowCommand.FIELDS);
    return 0;
  }

  /** Adds {@code --X-interface NAME} for every hardware interface X. */
  static final class InterfaceOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec command) {
      return HardwareInterfaceOptions.addTo(
          command,
          (iface, option) ->
              option
                  .type(String.class)
                  .paramLabel("NAME")
                  .description("The " + iface + " interface's implementation."));
    }
  }

  private static Map<String, Object> op(String path, Object value) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "add");
    op.put("path", path);
    op.put("value", value);
    return op;
  }

  /** {@code key} as one JSON Pointer segment (RFC 6901): {@code ~} and {@code /} escaped. */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
