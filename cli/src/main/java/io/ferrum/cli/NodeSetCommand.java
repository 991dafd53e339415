package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
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

/** {@code ferrum node set}: JSON Patch {@code add} operations. */
@Command(name = "set", mixinStandardHelpOptions = true, description = "Change a node's fields.")
final class NodeSetCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(names = "--name", description = "New name.")
  String name;

  @Option(names = "--driver", description = "New hardware type.")
  String driver;

  @Option(
      names = "--driver-info",
      paramLabel = "KEY=VALUE",
      description = "Set a driver_info entry; repeatable.")
  Map<String, String> driverInfo = new LinkedHashMap<>();

  @Option(
      names = "--instance-info",
      paramLabel = "KEY=VALUE",
      description = "Set an instance_info entry; repeatable.")
  Map<String, String> instanceInfo = new LinkedHashMap<>();

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description = "Set a properties entry; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(
      names = "--extra",
      paramLabel = "KEY=VALUE",
      description = "Set an extra entry; repeatable.")
  Map<String, String> extra = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    List<Map<String, Object>> patch = new ArrayList<>();
    if (name != null) {
      patch.add(op("/name", name));
    }
    if (driver != null) {
      patch.add(op("/driver", driver));
    }
    driverInfo.forEach((k, v) -> patch.add(op("/driver_info/" + pointer(k), v)));
    instanceInfo.forEach((k, v) -> patch.add(op("/instance_info/" + pointer(k), v)));
    properties.forEach((k, v) -> patch.add(op("/properties/" + pointer(k), v)));
    extra.forEach((k, v) -> patch.add(op("/extra/" + pointer(k), v)));
    if (patch.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "nothing to set");
    }
    client.printObject(
        spec.commandLine().getOut(),
        client.client().patch("/v1/nodes/" + ApiClient.encode(node), patch),
        NodeShowCommand.FIELDS);
    return 0;
  }

  private static Map<String, Object> op(String path, Object value) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "add");
    op.put("path", path);
    op.put("value", value);
    return op;
  }

  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
