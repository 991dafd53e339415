package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import io.ferrum.fsm.ProvisionState;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ferrum node list}: every page, following the API's next links. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List nodes.")
final class NodeListCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  /** Every provision state a node can be in. */
  private static final List<String> PROVISION_STATES =
      Arrays.stream(ProvisionState.values()).map(ProvisionState::value).toList();

  @Option(names = "--provision-state", paramLabel = "STATE", description = "Only nodes in STATE.")
  String provisionState;

  @Option(names = "--driver", description = "Only nodes with this driver.")
  String driver;

  @Option(names = "--maintenance", description = "Only nodes in maintenance.")
  boolean maintenance;

  @Option(
      names = "--long",
      description =
          "The detailed view (/v1/nodes/detail), with more columns: driver, owner, targets,"
              + " last error and others.")
  boolean detail;

  @Option(
      names = "--fields",
      split = ",",
      paramLabel = "FIELD",
      description =
          "Only these columns, in this order (comma-separated or repeated), e.g. --fields"
              + " uuid,name,driver; not with --long.")
  List<String> fields;

  /** The columns of the default table. */
  static final List<String> COLUMNS =
      List.of("uuid", "name", "power_state", "provision_state", "maintenance");

  /** The columns of {@code --long}. */
  static final List<String> LONG_COLUMNS =
      List.of(
          "uuid",
          "name",
          "driver",
          "resource_class",
          "owner",
          "conductor_group",
          "power_state",
          "target_power_state",
          "provision_state",
          "target_provision_state",
          "maintenance",
          "maintenance_reason",
          "reservation",
          "last_error",
          "provision_updated_at",
          "updated_at");

  @Override
  public Integer call() throws Exception {
    if (provisionState != null && !PROVISION_STATES.contains(provisionState)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--provision-state must be one of "
              + String.join(", ", PROVISION_STATES)
              + ", not '"
              + provisionState
              + "'");
    }
    if (detail && fields != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--long and --fields cannot be used together");
    }
    List<String> columns =
        fields != null
            ? NodeShowCommand.checkFields(spec, fields)
            : detail ? LONG_COLUMNS : COLUMNS;
    ApiClient api = client.client();
    StringBuilder query = new StringBuilder("?limit=1000");
    if (fields != null) {
      query.append("&fields=").append(String.join(",", columns));
    }
    if (provisionState != null) {
      query.append("&provision_state=").append(ApiClient.encode(provisionState));
    }
    if (driver != null) {
      query.append("&driver=").append(ApiClient.encode(driver));
    }
    if (maintenance) {
      query.append("&maintenance=true");
    }
    List<JsonNode> nodes = new ArrayList<>();
    String path = (detail ? "/v1/nodes/detail" : "/v1/nodes") + query;
    while (path != null) {
      JsonNode page = api.get(path);
      page.get("nodes").forEach(nodes::add);
      path = page.has("next") ? nextPath(page.get("next").asText()) : null;
    }
    client.printList(
        spec.commandLine().getOut(),
        nodes,
        columns,
        columns.stream().map(NodeShowCommand::label).toList());
    return 0;
  }

  /**
   * The path and query of the API's {@code next} link, to request from the URL this command was
   * given: the server builds the link from its own view of the address (its Host header), which
   * need not match {@code --url} (credentials, a proxy, another spelling of the host).
   */
  static String nextPath(String next) {
    URI uri = URI.create(next);
    String path = uri.getRawPath();
    int v1 = path.indexOf("/v1/");
    return (v1 < 0 ? path : path.substring(v1))
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
