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

  @Mixin NodeDocumentOptions documents;

  @Override
  public Integer call() throws Exception {
    List<Map<String, Object>> patch = new ArrayList<>();
    if (name != null) {
      patch.add(op("/name", name));
    }
    if (driver != null) {
      patch.add(op("/driver", driver));
    }
    documents
        .byField()
        .forEach(
            (field, entries) ->
                entries.forEach((k, v) -> patch.add(op("/" + field + "/" + pointer(k), v))));
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

  /** {@code key} as one JSON Pointer segment (RFC 6901): {@code ~} and {@code /} escaped. */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
