package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One provision verb ({@code ferrum node deploy NODE}, ...): {@code PUT
 * /v1/nodes/NODE/states/provision}, then with {@code --wait} follow the node until it gets there.
 */
@Command(mixinStandardHelpOptions = true)
final class NodeVerbCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(
      names = "--wait",
      description = "Wait until the node gets there (or fails), showing its progress.")
  boolean wait;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "3600",
      description = "With --wait: give up after SECONDS (default: ${DEFAULT-VALUE}).")
  int timeout;

  @Option(
      names = "--clean-steps",
      paramLabel = "JSON",
      description = "For clean: the steps, as a JSON array.")
  String cleanSteps;

  @Option(
      names = "--rescue-password",
      paramLabel = "PASSWORD",
      description = "For rescue: the password of the rescue environment.")
  String rescuePassword;

  private final String target;
  private final String expected;

  NodeVerbCommand(String target, String expected) {
    this.target = target;
    this.expected = expected;
  }

  @Override
  public Integer call() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("target", target);
    if (cleanSteps != null) {
      body.put("clean_steps", json("--clean-steps", cleanSteps));
    }
    if (rescuePassword != null) {
      body.put("rescue_password", rescuePassword);
    }
    ApiClient api = client.client();
    api.put("/v1/nodes/" + ApiClient.encode(node) + "/states/provision", body);
    if (!wait) {
      spec.commandLine().getOut().println("Requested " + spec.name() + " of node " + node);
      return 0;
    }
    JsonNode done =
        NodeWaiter.await(
            api, node, expected, Duration.ofSeconds(timeout), spec.commandLine().getErr());
    client.printObject(spec.commandLine().getOut(), done, NodeShowCommand.FIELDS);
    return 0;
  }

  private JsonNode json(String option, String text) {
    try {
      return ApiClient.encodeJson(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " must be JSON: " + e.getMessage());
    }
  }
}
