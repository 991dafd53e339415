package io.ferrum.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferrum node create}. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = "Create a node (in enroll).")
final class NodeCreateCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Option(names = "--driver", required = true, description = "Hardware type, e.g. fake-hardware.")
  String driver;

  @Option(names = "--name", description = "Unique name.")
  String name;

  @Option(names = "--uuid", description = "UUID to use (default: generated).")
  String uuid;

  @Mixin NodeDocumentOptions documents;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("driver", driver);
    if (name != null) {
      body.put("name", name);
    }
    if (uuid != null) {
      body.put("uuid", uuid);
    }
    body.putAll(documents.byField());
    client.printObject(
        spec.commandLine().getOut(),
        client.client().post("/v1/nodes", body),
        NodeShowCommand.FIELDS);
    return 0;
  }
}
